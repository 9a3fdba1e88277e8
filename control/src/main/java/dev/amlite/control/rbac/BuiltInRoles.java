package dev.amlite.control.rbac;

import java.util.List;

/** The built-in roles of RM-9, with Azure's GUIDs so that scripts naming them by id work unchanged. */
public final class BuiltInRoles {
    public static final String OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    public static final String USER_ACCESS_ADMINISTRATOR = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public static final String AZUREML_DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121";
    public static final String AZUREML_COMPUTE_OPERATOR = "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815";

    private static final String ML = "Microsoft.MachineLearningServices/workspaces";

    private BuiltInRoles() {
    }

    public static List<RoleDefinition> all() {
        List<String> root = List.of("/");
        return List.of(
                new RoleDefinition(OWNER, "Owner", "Grants full access to manage all resources, including the ability to "
                        + "assign roles in Azure RBAC.", true, List.of("*"), List.of(), List.of(), List.of(), root),
                new RoleDefinition(CONTRIBUTOR, "Contributor", "Grants full access to manage all resources, but does not "
                        + "allow you to assign roles in Azure RBAC.", true, List.of("*"),
                        List.of("Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                                "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
                                "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action"),
                        List.of(), List.of(), root),
                new RoleDefinition(READER, "Reader", "View all resources, but does not allow you to make any changes.", true,
                        List.of("*/read"), List.of(), List.of(), List.of(), root),
                new RoleDefinition(USER_ACCESS_ADMINISTRATOR, "User Access Administrator",
                        "Lets you manage user access to Azure resources.", true,
                        List.of("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"), List.of(), List.of(),
                        List.of(), root),
                new RoleDefinition(AZUREML_DATA_SCIENTIST, "AzureML Data Scientist", "Can perform all actions within an "
                        + "Azure Machine Learning workspace, except for creating or deleting compute resources and "
                        + "modifying the workspace itself.", true,
                        List.of(ML + "/*/read", ML + "/*/action", ML + "/*/delete", ML + "/*/write"),
                        List.of(ML + "/delete", ML + "/write", ML + "/computes/write", ML + "/computes/delete",
                                ML + "/computes/*/write", ML + "/computes/*/delete",
                                ML + "/computes/listKeys/action", ML + "/listKeys/action"),
                        List.of(ML + "/*"), List.of(), root),
                new RoleDefinition(AZUREML_COMPUTE_OPERATOR, "AzureML Compute Operator", "Can access and perform CRUD "
                        + "operations on Machine Learning Services managed compute resources.", true,
                        List.of(ML + "/computes/*", ML + "/notebooks/vm/*", ML + "/read",
                                "Microsoft.Resources/subscriptions/resourceGroups/read"),
                        List.of(), List.of(), List.of(), root));
    }
}
