/// The deviations from RFC 7644 §3.5.2 a PATCH request may make, each for the provider profiles
/// whose IdP sends it (`ProviderProfile.patchDialect`; every deviation and its source is listed
/// in docs/IDP-COMPATIBILITY.md). ``rfc`` is none of them.
public struct PatchDialect: Sendable, Equatable {
    /// `"Add"`, `"Replace"`, `"Remove"`: op names matched ignoring case (Entra ID's default job).
    /// Otherwise an op is exactly `add`, `replace` or `remove`.
    public var opNamesIgnoringCase: Bool
    /// `add` or `replace` through a value filter that matches no element creates the element the
    /// filter describes (Entra ID writes `emails[type eq "work"].value` to a user without a work
    /// email). Otherwise `400 noTarget` (RFC 7644 §3.5.2.3).
    public var createOnAbsent: Bool
    /// `remove` with a `value` removes only the values listed (Entra ID's `Remove` of `members`
    /// with a value array, of `manager` with `""`). Otherwise a `remove` carries no value
    /// (RFC 7644 §3.5.2.2) and one that does is `400 invalidSyntax`, never a removal of all.
    public var removeListedValues: Bool
    /// A path-less value whose keys are paths: `name.givenName`, URN-qualified attributes,
    /// value filters (Entra ID with `aadOptscim062020`). Otherwise its keys are attribute names
    /// and extension schema URNs (RFC 7644 §3.5.2.1).
    public var pathKeysInValue: Bool

    public init(
        opNamesIgnoringCase: Bool = false,
        createOnAbsent: Bool = false,
        removeListedValues: Bool = false,
        pathKeysInValue: Bool = false
    ) {
        self.opNamesIgnoringCase = opNamesIgnoringCase
        self.createOnAbsent = createOnAbsent
        self.removeListedValues = removeListedValues
        self.pathKeysInValue = pathKeysInValue
    }

    /// RFC 7644 as written.
    public static let rfc = PatchDialect()
    /// What Entra ID's provisioning service sends, with and without `aadOptscim062020`.
    public static let entra = PatchDialect(
        opNamesIgnoringCase: true,
        createOnAbsent: true,
        removeListedValues: true,
        pathKeysInValue: true
    )
}
