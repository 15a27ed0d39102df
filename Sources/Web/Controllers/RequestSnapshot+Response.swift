public import Hummingbird
import Services
public import Storage

/// Authorization requests go out as the database renders them (`authz_request_view`).
extension RequestSnapshot: ResponseEncodable {}

extension AuthorizationStatistics: ResponseEncodable {}
