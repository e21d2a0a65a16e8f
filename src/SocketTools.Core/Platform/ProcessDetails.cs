namespace SocketTools.Platform;

/// <summary>What Get-SocketProcess shows of a process besides its id and name.</summary>
/// <param name="UserId">The real user id.</param>
/// <param name="User">The user's name (or the id as text when it has none).</param>
/// <param name="CommandLine">The command line, arguments separated by spaces.</param>
/// <param name="Path">The executable's path.</param>
/// <param name="StartTime">When the process started (local time).</param>
internal sealed record ProcessDetails(uint? UserId, string? User, string? CommandLine, string? Path, DateTime? StartTime);
