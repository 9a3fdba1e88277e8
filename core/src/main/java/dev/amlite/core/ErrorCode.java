package dev.amlite.core;

/**
 * Every error amlite can answer with. The name becomes ARM's {@code error.code}; the status is the HTTP status
 * the front door sends. Codes are ARM's own where ARM has one, so that clients written against Azure branch on them.
 */
public enum ErrorCode {
    MissingApiVersionParameter(400),
    InvalidApiVersionParameter(400),
    InvalidRequestContent(400),
    InvalidRequestFormat(400),
    InvalidParameter(400),
    InvalidResourceName(400),
    InvalidResourceGroupLocation(400),
    LocationNotAvailableForResourceGroup(400),
    LocationNotAvailableForResourceType(400),
    NoRegisteredProviderFound(400),
    InvalidResourceType(400),
    InvalidResourceNamespace(400),
    InvalidPolicyParameters(400),
    PrincipalNotFound(400),
    RoleDefinitionDoesNotExist(400),
    InvalidRoleAssignmentScope(400),
    InvalidGrant(400),
    UnsupportedGrantType(400),
    InvalidClient(401),
    AuthenticationFailed(401),
    InvalidAuthenticationToken(401),
    ExpiredAuthenticationToken(401),
    AuthorizationFailed(403),
    RequestDisallowedByPolicy(403),
    MissingSubscriptionRegistration(409),
    ResourceNotFound(404),
    ResourceGroupNotFound(404),
    SubscriptionNotFound(404),
    TenantNotFound(404),
    OperationNotFound(404),
    PolicyDefinitionNotFound(404),
    RoleAssignmentNotFound(404),
    NotFound(404),
    MethodNotAllowed(405),
    Conflict(409),
    ResourceGroupBeingDeleted(409),
    RoleAssignmentExists(409),
    PrincipalExists(409),
    PreconditionFailed(412),
    RequestEntityTooLarge(413),
    UnsupportedMediaType(415),
    TooManyRequests(429),
    OperationInterrupted(500),
    Request_BadRequest(400),
    Request_ResourceNotFound(404),
    Authorization_RequestDenied(403),
    AccountNameInvalid(400),
    VaultNameNotValid(400),
    InvalidRegistryName(400),
    StorageAccountAlreadyTaken(409),
    VaultAlreadyExists(409),
    AlreadyInUse(409),
    PropertyChangeNotAllowed(400),
    InvalidResourceReference(400),
    LinkedResourceNotFound(400),
    UnsupportedStorageAccount(400),
    ContainerRegistryAdminUserDisabled(400),
    InvalidCustomerManagedKey(400),
    SoftDeletedResourceExists(409),
    PublicNetworkAccessDisabled(403),
    KeyNotFound(404),
    SecretNotFound(404),
    OperationNotAllowed(409),
    UploadIncomplete(400),
    DatastoreValidationFailed(400),
    QuotaExceeded(409),
    ResourceMoveValidationFailed(409),
    WorkspaceMoving(409),
    ResourceNotReady(400),
    InternalServerError(500),
    ServiceUnavailable(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
