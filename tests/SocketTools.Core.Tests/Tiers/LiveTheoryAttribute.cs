using Xunit.Sdk;

namespace SocketTools.Tests;

/// <summary>A theory of the Live tier: skipped as <see cref="LiveFactAttribute"/> is, trait Tier=Live.</summary>
[TraitDiscoverer(TierTraitDiscoverer.TypeName, TierTraitDiscoverer.AssemblyName)]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LiveTheoryAttribute : TheoryAttribute, ITraitAttribute
{
    public LiveTheoryAttribute() => Skip = LiveEnvironment.WhyNotLive;

    /// <summary>The tier, read by <see cref="TierTraitDiscoverer"/>.</summary>
    public string Tier => Tiers.Live;
}
