using System.Globalization;
using System.Text.RegularExpressions;

namespace SocketTools.Watching;

/// <summary>How long and how often a <see cref="TimerWatcher"/> samples.</summary>
public sealed record TimerWatchOptions
{
    /// <summary>Time between the starts of two samples (default one second).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop after this many samples; null: no limit.</summary>
    public int? Count { get; init; }

    /// <summary>Stop when this much time has passed since the first sample; null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Stop when every watched socket is gone (after writing a Closed sample for each).</summary>
    public bool UntilClosed { get; init; }

    /// <summary>Throws an InvalidArgument <see cref="SocketToolsException"/> for a value out of range.</summary>
    public void Validate()
    {
        if (!IsPositive(Interval))
        {
            throw new SocketToolsException("InvalidWatchInterval", ErrorKind.InvalidArgument,
                $"The interval must be longer than zero; '{Interval}' is not.")
            { RecommendedAction = "Give -Interval as a TimeSpan or a duration such as 500ms, 2s or 1m." };
        }

        if (Count is < 1)
        {
            throw new SocketToolsException("InvalidWatchCount", ErrorKind.InvalidArgument,
                $"The sample count must be at least 1; {Count} is not.");
        }

        if (Timeout is TimeSpan t && !IsPositive(t))
        {
            throw new SocketToolsException("InvalidWatchTimeout", ErrorKind.InvalidArgument,
                $"The timeout must be longer than zero; '{t}' is not.");
        }
    }

    /// <summary>Whether <paramref name="value"/> is a usable interval or timeout (longer than zero).</summary>
    public static bool IsPositive(TimeSpan value) => value > TimeSpan.Zero;
}

/// <summary>
/// Durations as users type them. Every number (any numeric type PowerShell has: 2, 2s as a short,
/// 2L, 2u, 2n, 2d, 0.5) is a number of seconds; text keeps its unit (500ms, 2s, 1.5sec, 1m, 1min,
/// 1h, 1d, 250us), is a number of seconds without one ("2", "0.5"), or is TimeSpan text (00:00:02);
/// a TimeSpan is itself.
/// </summary>
public static class Duration
{
    private static readonly Regex WithUnit = new(
        @"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(us|usec|µs|ms|msec|s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hours?|d|days?)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// Converts a parameter value to a TimeSpan. Numbers are seconds, text is parsed by
    /// <see cref="TryParse"/>; null and values of other types (left for PowerShell to convert or
    /// reject) are returned unchanged.
    /// </summary>
    /// <exception cref="SocketToolsException">InvalidDuration (InvalidArgument): text that is not a duration, or a number too large or not a number.</exception>
    public static object? Convert(object? value)
    {
        switch (value)
        {
            case TimeSpan:
                return value;
            case string s:
                return TryParse(s, out var parsed) ? parsed : throw Invalid($"'{s}' is not a duration");
            case System.Numerics.BigInteger big:
                return FromSeconds((double)big, value);
            case IConvertible number when IsNumber(number.GetTypeCode()):
                return FromSeconds(number.ToDouble(CultureInfo.InvariantCulture), value);
            default:
                return value;
        }
    }

    /// <summary>Parses a duration; false when the text is not one (or is too long for a TimeSpan).</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        var m = WithUnit.Match(text);
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            double seconds = m.Groups[2].Value.ToLowerInvariant() switch
            {
                "us" or "usec" or "µs" => n / 1_000_000,
                "ms" or "msec" => n / 1000,
                "s" or "sec" or "secs" or "second" or "seconds" => n,
                "m" or "min" or "mins" or "minute" or "minutes" => n * 60,
                "h" or "hr" or "hour" or "hours" => n * 3600,
                _ => n * 86400,
            };
            return TryFromSeconds(seconds, out value);
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            return TryFromSeconds(plain, out value);
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsNumber(TypeCode code) => code is >= TypeCode.SByte and <= TypeCode.Decimal;

    private static TimeSpan FromSeconds(double seconds, object value) =>
        TryFromSeconds(seconds, out var t) ? t : throw Invalid($"{value} seconds is not a usable duration");

    private static bool TryFromSeconds(double seconds, out TimeSpan value)
    {
        value = default;
        if (!double.IsFinite(seconds) || Math.Abs(seconds) >= TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        return true;
    }

    private static SocketToolsException Invalid(string what) =>
        new("InvalidDuration", ErrorKind.InvalidArgument,
            $"{what}: give a number of seconds (2, 0.5), a number with a unit (500ms, 2s, 1m, 1h, 1d) or a TimeSpan (00:00:02).");
}
