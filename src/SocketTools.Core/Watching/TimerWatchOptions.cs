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
/// Durations as users type them: a TimeSpan, a number of seconds (2, 0.5), or a number with a
/// unit (500ms, 2s, 1.5sec, 1m, 1min, 1h), or TimeSpan text (00:00:02).
/// </summary>
public static class Duration
{
    private static readonly Regex WithUnit = new(@"^\s*(\d+(?:\.\d+)?)\s*(ms|msec|s|sec|m|min|h)\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Converts a parameter value to a TimeSpan; returns the value unchanged when it is not one this understands.</summary>
    public static object? Convert(object? value) => value switch
    {
        TimeSpan t => t,
        int i => TimeSpan.FromSeconds(i),
        long l => TimeSpan.FromSeconds(l),
        double d => TimeSpan.FromSeconds(d),
        decimal m => TimeSpan.FromSeconds((double)m),
        string s => TryParse(s, out var t) ? t : value,
        _ => value,
    };

    /// <summary>Parses a duration; false when the text is not one.</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        var m = WithUnit.Match(text);
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            value = m.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" or "msec" => TimeSpan.FromMilliseconds(n),
                "s" or "sec" => TimeSpan.FromSeconds(n),
                "m" or "min" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
            return true;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }
}
