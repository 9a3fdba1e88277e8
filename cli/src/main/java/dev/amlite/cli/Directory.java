package dev.amlite.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amlite.sdk.AmliteException;
import java.util.Map;

/** Looks principals and roles up by the names users type (UPN, app id, object id; role name or id). */
final class Directory {
    private Directory() {
    }

    /** A principal found in the directory: its object id and type ("User" or "ServicePrincipal"). */
    record Found(String objectId, String type) {
    }

    static Found principal(Session session, String assignee) {
        JsonNode users = session.send("GET", "/v1.0/users", null,
                Map.of("$filter", "userPrincipalName eq '" + assignee + "'"), null).path("value");
        if (!users.isEmpty()) {
            return new Found(users.get(0).path("id").asText(), "User");
        }
        JsonNode principals = session.send("GET", "/v1.0/servicePrincipals", null,
                Map.of("$filter", "appId eq '" + assignee + "'"), null).path("value");
        if (!principals.isEmpty()) {
            return new Found(principals.get(0).path("id").asText(), "ServicePrincipal");
        }
        for (String kind : new String[] {"users", "servicePrincipals"}) {
            try {
                JsonNode found = session.send("GET", "/v1.0/" + kind + "/" + assignee, null, null);
                return new Found(found.path("id").asText(), kind.equals("users") ? "User" : "ServicePrincipal");
            } catch (AmliteException e) {
                if (e.status() != 404) {
                    throw e;
                }
            }
        }
        throw new CliError("Cannot find user or service principal in graph database for '" + assignee + "'. If the "
                + "assignee is an appId, make sure the corresponding service principal is created with "
                + "'amlite ad sp create --id " + assignee + "'.", 1);
    }

    static String roleDefinitionId(Session session, String scope, String role) {
        if (role.contains("/roleDefinitions/")) {
            return role;
        }
        String subscriptionScope = "/subscriptions/" + session.subscriptionId();
        if (role.matches("[0-9a-fA-F-]{36}")) {
            return subscriptionScope + "/providers/Microsoft.Authorization/roleDefinitions/" + role;
        }
        JsonNode roles = session.send("GET", subscriptionScope + "/providers/Microsoft.Authorization/roleDefinitions",
                Session.AUTHORIZATION_API, Map.of("$filter", "roleName eq '" + role + "'"), null).path("value");
        if (roles.isEmpty()) {
            throw new CliError("Role '" + role + "' doesn't exist. List roles with 'amlite role definition list "
                    + "--query [].roleName'.", 1);
        }
        return roles.get(0).path("id").asText();
    }
}
