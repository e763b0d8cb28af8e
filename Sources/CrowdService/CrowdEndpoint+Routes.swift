import DirectoryStore
import SCIM
import ScimService

extension CrowdEndpoint {
    /// Dispatches by resource and method. Reads answer from the directory; writes are refused
    /// (the identity providers own the directory); authentication and sessions answer as Crowd
    /// does for people who cannot sign in by password.
    func route(_ context: CrowdRequest) throws -> ServiceResponse {
        let method = context.request.method
        switch (method, context.resource) {
        case ("POST", "authentication"), ("POST", "session"):
            return try passwordSignIn(context)
        case (_, let resource) where resource.hasPrefix("session/"):
            guard method != "DELETE" else { return ServiceResponse(status: 204) }
            throw CrowdError.invalidSSOToken
        case ("DELETE", "session"):
            return ServiceResponse(status: 204)
        case ("POST", "search"), ("GET", "search"):
            return try search(context)
        case ("GET", _):
            return try read(context)
        default:
            guard Self.knownResources.contains(context.resource) || context.resource.hasPrefix("event") else { return notFound(context) }
            throw CrowdError.readOnly
        }
    }

    static let knownResources: Set<String> = [
        "user", "user/group/direct", "user/group/nested", "user/attribute", "user/password", "user/mail/password",
        "user/mail/usernames", "group", "group/user/direct", "group/user/nested", "group/child-group/direct",
        "group/child-group/nested", "group/parent-group/direct", "group/parent-group/nested", "group/membership",
        "group/attribute", "config/cookie", "event", "search", "authentication", "session",
    ]

    private func read(_ context: CrowdRequest) throws -> ServiceResponse {
        let page = try context.page()
        let directories = context.grant.directoryIDs
        switch context.resource {
        case "user":
            return context.ok(context.entities.user(try user(context), attributes: context.expands("attributes")))
        case "user/group/direct", "user/group/nested":
            let user = try user(context)
            let depth: CrowdDepth = context.resource.hasSuffix("nested") ? .nested : .direct
            if let name = context.parameters["groupname"] {
                guard let group = try store.crowdGroups(of: user, depth, named: name, page: CrowdPage(start: 0, count: 1)).first else {
                    throw CrowdError.membershipNotFound(user.name, name)
                }
                return context.ok(context.entities.group(group))
            }
            return context.ok(context.entities.groups(try store.crowdGroups(of: user, depth, page: page), full: context.expands("group")))
        case "group":
            return context.ok(context.entities.group(try group(context)))
        case "group/user/direct", "group/user/nested":
            let group = try group(context)
            let depth: CrowdDepth = context.resource.hasSuffix("nested") ? .nested : .direct
            if let name = context.parameters["username"] {
                guard let user = try store.crowdUsers(of: group, depth, named: name, page: CrowdPage(start: 0, count: 1)).first else {
                    throw CrowdError.membershipNotFound(name, group.name)
                }
                return context.ok(context.entities.user(user, attributes: false))
            }
            let users = try store.crowdUsers(of: group, depth, page: page)
            return context.ok(context.entities.users(users, full: context.expands("user"), attributes: context.expands("attributes")))
        case "group/child-group/direct", "group/child-group/nested", "group/parent-group/direct", "group/parent-group/nested":
            return try relatives(context, page)
        case "group/membership":
            return memberships(context)
        case "config/cookie":
            return context.ok(context.entities.cookieConfiguration())
        case "event":
            return context.ok(context.entities.events([], token: try store.crowdEventToken()))
        case let resource where resource.hasPrefix("event/"):
            let token = String(resource.dropFirst("event/".count))
            switch try store.crowdEvents(since: token, in: directories) {
            case .expired: throw CrowdError.eventTokenExpired
            case .events(let events, let newToken): return context.ok(context.entities.events(events, token: newToken))
            }
        default:
            return notFound(context)
        }
    }

    /// Streamed from a snapshot of its own, 64 KiB at a time: a directory of 200,000 memberships
    /// is never held whole. A failure past the headers can only end the body early (and is logged);
    /// a client gone (a failed write) ends the walk at once.
    private func memberships(_ context: CrowdRequest) -> ServiceResponse {
        let (store, format, directories) = (store, context.format, context.grant.directoryIDs)
        let requestID = context.request.headers.requestID ?? "-"
        return ServiceResponse(status: 200, headers: [("Content-Type", format.contentType)]) { write in
            var writer = MembershipsWriter(format: format)
            do {
                try store.snapshot {
                    try store.forEachCrowdMembership(in: directories) { item in
                        writer.append(item)
                        if writer.pending >= Self.streamChunkBytes, !write(writer.take()) { throw ClientGone() }
                    }
                }
                _ = write(writer.finish())
            } catch is ClientGone {
                ServiceLog.note("crowd request \(requestID) group/membership: the client is gone, the walk stopped")
            } catch {
                ServiceLog.error("crowd request \(requestID) group/membership ended early: \(error)")
            }
        }
    }

    static let streamChunkBytes = 64 << 10

    private struct ClientGone: Error {}

    private func relatives(_ context: CrowdRequest, _ page: CrowdPage) throws -> ServiceResponse {
        let group = try group(context)
        let depth: CrowdDepth = context.resource.hasSuffix("nested") ? .nested : .direct
        let children = context.resource.hasPrefix("group/child-group")
        let filter = context.parameters[children ? "child-groupname" : "parent-groupname"]
        let fetch = { (named: String?, page: CrowdPage) in
            children
                ? try self.store.crowdChildGroups(of: group, depth, named: named, page: page)
                : try self.store.crowdParentGroups(of: group, depth, named: named, page: page)
        }
        if let filter {
            guard let found = try fetch(filter, CrowdPage(start: 0, count: 1)).first else {
                throw children ? CrowdError.membershipNotFound(filter, group.name) : CrowdError.membershipNotFound(group.name, filter)
            }
            return context.ok(context.entities.group(found))
        }
        return context.ok(context.entities.groups(try fetch(nil, page), full: context.expands("group")))
    }

    private func user(_ context: CrowdRequest) throws -> CrowdUser {
        let name = try context.parameter("username")
        guard let user = try store.crowdUser(named: name, in: context.grant.directoryIDs) else { throw CrowdError.userNotFound(name) }
        return user
    }

    private func group(_ context: CrowdRequest) throws -> CrowdGroup {
        let name = try context.parameter("groupname")
        guard let group = try store.crowdGroup(named: name, in: context.grant.directoryIDs) else { throw CrowdError.groupNotFound(name) }
        return group
    }

    /// No password is ever right: a user the client sees is told so as Crowd tells a user without
    /// a password credential, an unknown one as Crowd tells an unknown user.
    private func passwordSignIn(_ context: CrowdRequest) throws -> ServiceResponse {
        var name = context.parameters["username"]
        if name == nil, context.resource == "session", let body = try? JSONParser.parse(try context.body()) {
            name = body["username"]?.stringValue
        }
        if let name, try store.crowdUser(named: name, in: context.grant.directoryIDs) == nil {
            throw CrowdError.userNotFound(name)
        }
        throw CrowdError.noPasswords
    }

    /// Crowd's REST layer answers an unknown resource 404 (python-crowd's `auth_ping` relies on it).
    func notFound(_ context: CrowdRequest) -> ServiceResponse {
        ServiceResponse(
            status: 404,
            headers: [("Content-Type", "text/plain; charset=UTF-8")],
            body: Array("No Crowd resource at \(context.request.path)".utf8)
        )
    }

    /// `search`: users or groups (`entity-type`), by a restriction in the body (POST, XML or JSON)
    /// or in the `restriction` parameter (CQL).
    private func search(_ context: CrowdRequest) throws -> ServiceResponse {
        let type = try context.parameter("entity-type")
        guard let entityType = CrowdEntityType(rawValue: type) else {
            throw CrowdError.illegalArgument("'entity-type' is user or group, not '\(type)'.")
        }
        let restriction = try searchRestriction(context)
        let page = try context.page()
        switch entityType {
        case .user:
            let users = try store.crowdSearchUsers(restriction, in: context.grant.directoryIDs, page: page)
            return context.ok(context.entities.users(users, full: context.expands("user"), attributes: context.expands("attributes")))
        case .group:
            let groups = try store.crowdSearchGroups(restriction, in: context.grant.directoryIDs, page: page)
            return context.ok(context.entities.groups(groups, full: context.expands("group")))
        }
    }

    private func searchRestriction(_ context: CrowdRequest) throws -> CrowdRestriction {
        guard context.request.method == "POST" else { return try CrowdSearchRestriction.read(query: context.parameters["restriction"]) }
        return try CrowdSearchRestriction.read(body: try context.body(), contentType: context.request.headers.contentType)
    }
}
