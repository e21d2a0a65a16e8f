using System.Diagnostics;
using System.Globalization;

namespace SocketTools.Tests.Reliability;

/// <summary>
/// A parser under fuzz: its seeds (well-formed inputs, which must parse) and a function that parses
/// one input. The parse may return a value (parsed), null (a skipped record), or throw a
/// <see cref="SocketToolsException"/>; anything else (IndexOutOfRange, ArgumentOutOfRange, Overflow,
/// NullReference …) or a case that runs past the per-case timeout is a defect.
/// </summary>
/// <remarks><paramref name="Lenient"/>: the parser takes anything (a key/value summary), so no case needs to be rejected.</remarks>
public sealed record FuzzTarget(string Name, Func<IReadOnlyList<byte[]>> Seeds, Func<byte[], object?> Parse, bool Lenient = false)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// Seeded random mutation of well-formed inputs: truncation, bit flips, boundary bytes, boundary
/// 16/32-bit length fields (aligned more often than not, where netlink keeps its lengths), inserted,
/// deleted and duplicated ranges, splices of two seeds, and pure noise. Every case is reproducible
/// from (seed, case number): STT_FUZZ_SEED and STT_FUZZ_CASES (default 20000 per target; set
/// 1000000 for a long run).
/// </summary>
public static class Fuzzer
{
    public const int DefaultCases = 20000;
    public const int DefaultSeed = 20261121;

    public static int Cases => int.TryParse(Environment.GetEnvironmentVariable("STT_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultCases;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("STT_FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : DefaultSeed;

    /// <summary>How long one case may run before it counts as a hang (generous: the machine is shared).</summary>
    public static TimeSpan DefaultCaseTimeout { get; } = TimeSpan.FromSeconds(10);

    public sealed class Report
    {
        public int Parsed;
        public int Skipped;
        public int Typed;
        public readonly Dictionary<string, int> TypedIds = [];
        public readonly List<string> Defects = [];

        public override string ToString() =>
            $"parsed {Parsed}, skipped {Skipped}, typed errors {Typed} ({string.Join(", ", TypedIds.OrderByDescending(p => p.Value).Take(8).Select(p => $"{p.Key} {p.Value}"))})";
    }

    /// <summary>Runs <paramref name="cases"/> mutated inputs through <paramref name="target"/> and fails on any defect or hang.</summary>
    public static Report Run(FuzzTarget target, int? cases = null, int? seed = null, TimeSpan? caseTimeout = null)
    {
        var timeout = caseTimeout ?? DefaultCaseTimeout;
        int count = cases ?? Cases;
        int baseSeed = seed ?? Seed;
        var seeds = target.Seeds();
        Assert.NotEmpty(seeds);
        var report = new Report();
        long current = long.MinValue;  // not started; the seeds run as negative cases
        long started = 0;
        byte[]? input = null;
        var worker = new Thread(() =>
        {
            // The well-formed inputs (cases -N..-1) must parse, or the fuzzer would only be testing error paths.
            for (int i = -seeds.Count; i < count && report.Defects.Count < 5; i++)
            {
                var bytes = i < 0 ? seeds[seeds.Count + i] : Mutate(new Random(unchecked(baseSeed * 1_000_003 + i)), seeds);
                Volatile.Write(ref input, bytes);
                Volatile.Write(ref started, Stopwatch.GetTimestamp());
                Volatile.Write(ref current, i);
                try
                {
                    object? result = target.Parse(bytes);
                    if (i < 0)
                    {
                        if (result is null)
                        {
                            report.Defects.Add($"seed {seeds.Count + i} did not parse");
                        }

                        continue;
                    }

                    if (result is null)
                    {
                        report.Skipped++;
                    }
                    else
                    {
                        report.Parsed++;
                    }
                }
                catch (SocketToolsException e)
                {
                    report.Typed++;
                    report.TypedIds[e.ErrorId] = report.TypedIds.GetValueOrDefault(e.ErrorId) + 1;
                }
                catch (Exception e)
                {
                    report.Defects.Add($"case {i} (STT_FUZZ_SEED={baseSeed}): {e.GetType().Name}: {e.Message}\n  input {Convert.ToHexString(bytes)}\n{e.StackTrace}");
                }
            }

            Volatile.Write(ref current, long.MaxValue);
        })
        {
            IsBackground = true,
            Name = "fuzz " + target.Name,
        };
        worker.Start();
        while (!worker.Join(100))
        {
            long i = Volatile.Read(ref current);
            if (i != long.MinValue && i != long.MaxValue && Stopwatch.GetElapsedTime(Volatile.Read(ref started)) > timeout
                && Volatile.Read(ref current) == i)
            {
                Assert.Fail($"{target.Name}: case {i} (STT_FUZZ_SEED={baseSeed}) ran past {timeout.TotalSeconds} s: input {Convert.ToHexString(Volatile.Read(ref input) ?? [])}");
            }
        }

        Assert.True(report.Defects.Count == 0, $"{target.Name}: {report}\n" + string.Join("\n", report.Defects));
        return report;
    }

    private static readonly byte[] Bytes = [0x00, 0x01, 0x03, 0x04, 0x0f, 0x10, 0x7f, 0x80, 0xfe, 0xff];
    private static readonly ushort[] Shorts = [0, 1, 3, 4, 5, 7, 8, 15, 16, 17, 0x7fff, 0x8000, 0xfff0, 0xfff1, 0xfff2, 0xffff];
    private static readonly uint[] Words = [0, 1, 3, 4, 15, 16, 17, 20, 72, 88, 0x7fff_ffff, 0x8000_0000, 0xffff_fff0, 0xffff_ffff];

    /// <summary>One mutated input: a random seed with 1-4 mutations, or (rarely) pure noise.</summary>
    public static byte[] Mutate(Random rng, IReadOnlyList<byte[]> seeds)
    {
        if (rng.Next(50) == 0)
        {
            var noise = new byte[rng.Next(0, 600)];
            rng.NextBytes(noise);
            return noise;
        }

        var data = new List<byte>(seeds[rng.Next(seeds.Count)]);
        int mutations = 1 + rng.Next(4);
        for (int m = 0; m < mutations; m++)
        {
            int Offset(int width) => data.Count <= width ? 0 : rng.Next(2) == 0 ? rng.Next(data.Count - width + 1) & ~3 : rng.Next(data.Count - width + 1);
            switch (rng.Next(11))
            {
                case 0: // truncate
                    data = data.Take(rng.Next(data.Count + 1)).ToList();
                    break;
                case 1: // bit flips
                    for (int k = rng.Next(1, 9); k > 0 && data.Count > 0; k--)
                    {
                        int at = rng.Next(data.Count);
                        data[at] ^= (byte)(1 << rng.Next(8));
                    }

                    break;
                case 2: // boundary bytes
                    for (int k = rng.Next(1, 4); k > 0 && data.Count > 0; k--)
                    {
                        data[rng.Next(data.Count)] = Bytes[rng.Next(Bytes.Length)];
                    }

                    break;
                case 3: // a 16-bit length or type (nlattr, nlmsg_type/flags)
                    if (data.Count >= 2)
                    {
                        int at = Offset(2);
                        ushort v = rng.Next(4) == 0 ? (ushort)Math.Clamp(data.Count - at + rng.Next(-4, 5), 0, 0xffff) : Shorts[rng.Next(Shorts.Length)];
                        data[at] = (byte)v;
                        data[at + 1] = (byte)(v >> 8);
                    }

                    break;
                case 4: // a 32-bit length, sequence or errno (nlmsghdr)
                    if (data.Count >= 4)
                    {
                        int at = Offset(4);
                        uint v = rng.Next(4) == 0 ? (uint)Math.Max(0, data.Count - at + rng.Next(-4, 5)) : Words[rng.Next(Words.Length)];
                        for (int b = 0; b < 4; b++)
                        {
                            data[at + b] = (byte)(v >> (8 * b));
                        }
                    }

                    break;
                case 5: // insert random bytes
                {
                    var extra = new byte[rng.Next(1, 33)];
                    rng.NextBytes(extra);
                    data.InsertRange(rng.Next(data.Count + 1), extra);
                    break;
                }

                case 6: // delete a range
                    if (data.Count > 0)
                    {
                        int at = rng.Next(data.Count);
                        data.RemoveRange(at, rng.Next(1, Math.Min(64, data.Count - at) + 1));
                    }

                    break;
                case 7: // duplicate a range
                    if (data.Count > 0)
                    {
                        int at = rng.Next(data.Count);
                        var chunk = data.GetRange(at, rng.Next(1, Math.Min(128, data.Count - at) + 1));
                        data.InsertRange(rng.Next(data.Count + 1), chunk);
                    }

                    break;
                case 8: // splice with another seed
                {
                    var other = seeds[rng.Next(seeds.Count)];
                    data = data.Take(rng.Next(data.Count + 1)).Concat(other.Skip(rng.Next(other.Length + 1))).ToList();
                    break;
                }

                case 9: // append noise
                {
                    var extra = new byte[rng.Next(1, 17)];
                    rng.NextBytes(extra);
                    data.AddRange(extra);
                    break;
                }

                default: // a random byte
                    if (data.Count > 0)
                    {
                        data[rng.Next(data.Count)] = (byte)rng.Next(256);
                    }

                    break;
            }
        }

        return data.ToArray();
    }
}
