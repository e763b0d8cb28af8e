/// A request the store refuses, with a message for an administrator.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case duplicate(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) does not exist"
        case .duplicate(let what): "\(what) already exists"
        case .invalid(let why): why
        }
    }
}
