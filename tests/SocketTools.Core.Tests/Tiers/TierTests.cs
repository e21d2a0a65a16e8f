using System.Reflection;

namespace SocketTools.Tests;

/// <summary>Every test says its tier once, so <c>--filter Tier=…</c> splits the suite without gaps or overlaps.</summary>
[Trait("Tier", "Offline")]
public sealed class TierTests
{
    /// <summary>The Tier values on a method or class: Trait("Tier", …) and the tiers' own Fact and Theory attributes.</summary>
    private static IEnumerable<string> TiersOn(MemberInfo member) =>
        member.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(TraitAttribute) && (string?)a.ConstructorArguments[0].Value == Tiers.Trait)
            .Select(a => (string)a.ConstructorArguments[1].Value!)
            .Concat(member.GetCustomAttributes().Select(a => a switch
            {
                LiveFactAttribute f => f.Tier,
                LiveTheoryAttribute t => t.Tier,
                UnprivilegedFactAttribute u => u.Tier,
                _ => null,
            }).OfType<string>());

    [Fact]
    public void EveryTestHasExactlyOneKnownTier()
    {
        var tests = typeof(TierTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .ToList();
        Assert.True(tests.Count > 100, $"found only {tests.Count} tests");
        var wrong = tests
            .Select(m => (Test: $"{m.DeclaringType!.Name}.{m.Name}", Tiers: TiersOn(m).Concat(TiersOn(m.DeclaringType!)).ToList()))
            .Where(t => t.Tiers.Count != 1 || !Tiers.All.Contains(t.Tiers[0]))
            .Select(t => $"{t.Test}: [{string.Join(", ", t.Tiers)}]")
            .ToList();
        Assert.True(wrong.Count == 0, "tests without exactly one known tier:\n" + string.Join('\n', wrong));
    }
}
