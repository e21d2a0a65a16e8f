using Xunit.Sdk;

namespace SocketTools.Tests;

/// <summary>
/// A test of the Live tier (root and <c>ip netns add</c>): skipped, with the reason, where either is
/// missing (<see cref="LiveEnvironment.WhyNotLive"/>), and given the trait Tier=Live.
/// </summary>
[TraitDiscoverer(TierTraitDiscoverer.TypeName, TierTraitDiscoverer.AssemblyName)]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LiveFactAttribute : FactAttribute, ITraitAttribute
{
    public LiveFactAttribute() => Skip = LiveEnvironment.WhyNotLive;

    /// <summary>The tier, read by <see cref="TierTraitDiscoverer"/>.</summary>
    public string Tier => Tiers.Live;
}
