namespace SocketTools.Tests;

/// <summary>
/// The test tiers: the trait <c>Tier</c> says what a test needs from the machine, so a run can
/// pick them (<c>dotnet test --filter Tier=Offline</c>). Every test has exactly one (TierTests).
/// </summary>
public static class Tiers
{
    /// <summary>The trait's name.</summary>
    public const string Trait = "Tier";

    /// <summary>
    /// Runs anywhere, as any user: fixtures, captured replies, scripted transports, the built files,
    /// and this process's own sockets and /proc. Plain <c>[Trait("Tier", "Offline")]</c>.
    /// </summary>
    public const string Offline = "Offline";

    /// <summary>
    /// Needs root and <c>ip netns add</c>: the test makes its own network namespaces.
    /// <see cref="LiveFactAttribute"/>, <see cref="LiveTheoryAttribute"/>: skipped where they are missing.
    /// </summary>
    public const string Live = "Live";

    /// <summary>
    /// What <see cref="Live"/> needs, and running the core as nobody (setpriv) there.
    /// <see cref="UnprivilegedFactAttribute"/>: skipped where that is missing.
    /// </summary>
    public const string Unprivileged = "Unprivileged";

    /// <summary>The three tiers.</summary>
    public static readonly string[] All = [Offline, Live, Unprivileged];
}
