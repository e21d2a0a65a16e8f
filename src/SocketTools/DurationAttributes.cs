using System.Management.Automation;
using SocketTools.Watching;

namespace SocketTools.Commands;

/// <summary>
/// Lets a TimeSpan parameter take any number as seconds (2, 0.5, and the unquoted 2s, which
/// PowerShell reads as the [short] 2), text with a unit (500ms, '2s', 1min) or TimeSpan text, as
/// well as a TimeSpan; PowerShell alone would read a number as ticks.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        try
        {
            return Duration.Convert(inputData is PSObject pso ? pso.BaseObject : inputData);
        }
        catch (SocketToolsException e)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
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
