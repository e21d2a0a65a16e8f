using System.Management.Automation;
using SocketTools.Watching;

namespace SocketTools.Commands;

/// <summary>
/// Lets a TimeSpan parameter take a number of seconds (2, 0.5) or a duration with a unit (500ms, 2s,
/// 1min) as well as a TimeSpan; PowerShell alone would read 2 as two ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        Duration.Convert(inputData is PSObject pso ? pso.BaseObject : inputData);
}

/// <summary>Rejects a TimeSpan that is zero or negative.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidatePositiveDurationAttribute : ValidateArgumentsAttribute
{
    /// <inheritdoc />
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var value = arguments is PSObject pso ? pso.BaseObject : arguments;
        if (value is not TimeSpan t || !TimerWatchOptions.IsPositive(t))
        {
            throw new ValidationMetadataException($"The duration must be longer than zero; '{value}' is not.");
        }
    }
}
