import SCIM

extension Filter {
    /// Every attribute path the filter names, as a `sortBy` could name it: the paths inside an
    /// element filter `emails[type eq "work"]` become sub-attributes (`emails.type`).
    public var sortPaths: [AttributePath] {
        switch self {
        case .compare(let path, _, _), .present(let path): [path]
        case .and(let left, let right), .or(let left, let right): left.sortPaths + right.sortPaths
        case .not(let inner): inner.sortPaths
        case .valuePath(let path, let inner):
            [path] + inner.sortPaths.map { AttributePath(schema: path.schema, name: path.name, subAttribute: $0.name) }
        }
    }
}
