using Xunit.Sdk;

namespace SocketTools.Tests;

/// <summary>
/// A test of the Unprivileged tier: it runs the core as nobody (setpriv) in a test namespace, so it
/// needs what a live test needs and a nobody that can run dotnet; skipped, with the reason, where
/// any is missing (<see cref="LiveEnvironment.WhyNotUnprivileged"/>), and given the trait Tier=Unprivileged.
/// </summary>
[TraitDiscoverer(TierTraitDiscoverer.TypeName, TierTraitDiscoverer.AssemblyName)]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class UnprivilegedFactAttribute : FactAttribute, ITraitAttribute
{
    public UnprivilegedFactAttribute() => Skip = LiveEnvironment.WhyNotUnprivileged;

    /// <summary>The tier, read by <see cref="TierTraitDiscoverer"/>.</summary>
    public string Tier => Tiers.Unprivileged;
}
