using Xunit.Abstractions;
using Xunit.Sdk;

namespace SocketTools.Tests;

/// <summary>Gives a test marked with a tier's Fact or Theory attribute the trait Tier=its tier (the attribute's <c>Tier</c>).</summary>
public sealed class TierTraitDiscoverer : ITraitDiscoverer
{
    /// <summary>The assembly-qualified name xunit loads this discoverer by.</summary>
    public const string TypeName = "SocketTools.Tests.TierTraitDiscoverer";

    /// <summary>The assembly that holds it.</summary>
    public const string AssemblyName = "SocketTools.Core.Tests";

    public IEnumerable<KeyValuePair<string, string>> GetTraits(IAttributeInfo traitAttribute) =>
        [new(Tiers.Trait, traitAttribute.GetNamedArgument<string>("Tier"))];
}
