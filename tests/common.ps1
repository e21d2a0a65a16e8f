# Shared by tests/*.Tests.ps1. Dot-source it in BeforeDiscovery (for -Skip) and in BeforeAll:
#
#   BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }
#   BeforeAll       { . (Join-Path $PSScriptRoot 'common.ps1'); Import-Module $ModulePath -Force }
#   Describe 'Live things' -Skip:(-not $LiveTier) { ... }
#
# Tiers: the offline tier (manifest, help, completion of static values, formatting of objects built
# in the test) runs anywhere; the live tier needs root and `ip netns add`, and its suites skip, not
# fail, without them. Every live socket and process lives in a namespace the test creates
# (New-TestNamespace) and deletes (Remove-TestNamespace); nothing outside it is touched.

Set-StrictMode -Version Latest

# The module as build.ps1 publishes it (output/SocketTools/<version>/).
$ModulePath = Join-Path $PSScriptRoot '..' 'output' 'SocketTools'

function Test-LiveTier {
    <#
    .SYNOPSIS
        True when live tests can run here: root, and a network namespace can be created and deleted.
        Probed once per process (cached in an environment variable, so child runspaces agree).
    #>
    if ($env:STT_LIVE_TIER) { return $env:STT_LIVE_TIER -eq '1' }
    $ok = $false
    if ($IsLinux -and (& id -u) -eq '0' -and (Get-Command ip -ErrorAction Ignore)) {
        $probe = 'stt-probe-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        & ip netns add $probe 2>$null
        if ($LASTEXITCODE -eq 0) {
            & ip netns del $probe 2>$null
            $ok = $true
        }
    }
    $env:STT_LIVE_TIER = if ($ok) { '1' } else { '0' }
    $ok
}

$LiveTier = Test-LiveTier

function New-TestNamespace {
    <#
    .SYNOPSIS
        Creates a network namespace named <Prefix>-<random>, brings its loopback up, returns its name.
    #>
    param([string] $Prefix = 'stt-pester')
    $name = $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    & ip netns add $name
    if ($LASTEXITCODE -ne 0) { throw "ip netns add $name failed (exit $LASTEXITCODE)." }
    & ip -n $name link set lo up
    $name
}

function Remove-TestNamespace {
    <#
    .SYNOPSIS
        Deletes a namespace made by New-TestNamespace, after ending every process still inside it
        (only processes in that namespace: `ip netns pids`).
    #>
    param([string] $Name)
    if (-not $Name) { return }
    foreach ($id in @(& ip netns pids $Name 2>$null)) {
        if ($id -match '^\d+$') { Stop-Process -Id ([int]$id) -Force -ErrorAction Ignore }
    }
    & ip netns del $Name 2>$null
}

function Start-NamespaceProcess {
    <#
    .SYNOPSIS
        Starts FilePath with ArgumentList inside Namespace (ip netns exec), stdin and stdout
        redirected. With -WaitForLine, returns once the process printed its first line (a holder
        prints once its sockets exist), and puts that line in the process's NoteProperty FirstLine.
        Closing $process.StandardInput (Stop-NamespaceProcess) lets a holder that reads stdin end.
    #>
    param(
        [Parameter(Mandatory)][string] $Namespace,
        [Parameter(Mandatory)][string] $FilePath,
        [string[]] $ArgumentList = @(),
        [switch] $WaitForLine,
        [timespan] $Timeout = [timespan]::FromSeconds(20)
    )
    $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($argument in @('netns', 'exec', $Namespace, $FilePath) + $ArgumentList) {
        $psi.ArgumentList.Add($argument)
    }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    if ($WaitForLine) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait($Timeout)) {
            $process.Kill($true)
            throw "$FilePath in $Namespace printed nothing within $Timeout."
        }
        if ($null -eq $read.Result) {
            throw "$FilePath in $Namespace exited (code $(if ($process.WaitForExit(2000)) { $process.ExitCode })) before it was ready."
        }
        $process | Add-Member -NotePropertyName FirstLine -NotePropertyValue $read.Result
    }
    $process
}

function Start-NamespacePython {
    <#
    .SYNOPSIS
        Runs a python3 script (its text) inside Namespace and waits for its first printed line.
        The usual holder: build sockets, print(os.getpid(), flush=True), then sys.stdin.read().
    #>
    param(
        [Parameter(Mandatory)][string] $Namespace,
        [Parameter(Mandatory)][string] $Code,
        [string[]] $ArgumentList = @()
    )
    Start-NamespaceProcess -Namespace $Namespace -FilePath 'python3' -ArgumentList (@('-c', $Code) + $ArgumentList) -WaitForLine
}

function Stop-NamespaceProcess {
    <#
    .SYNOPSIS
        Ends a process started by Start-NamespaceProcess: closes its stdin, then kills it (and its
        children) if it has not exited within a second.
    #>
    param($Process)
    if (-not $Process) { return }
    try { $Process.StandardInput.Close() } catch { }
    if (-not $Process.WaitForExit(1000)) {
        try { $Process.Kill($true) } catch { }
        [void] $Process.WaitForExit(5000)
    }
    $Process.Dispose()
}

function Invoke-InNamespace {
    <#
    .SYNOPSIS
        Runs a reference tool (ss, netstat, lsof, …) inside Namespace and returns its output lines.
    #>
    param(
        [Parameter(Mandatory)][string] $Namespace,
        [Parameter(Mandatory)][string] $FilePath,
        [Parameter(ValueFromRemainingArguments)][string[]] $ArgumentList = @()
    )
    & ip netns exec $Namespace $FilePath @ArgumentList
}

function Get-PwshCommand {
    <#
    .SYNOPSIS
        The command line that starts this same pwsh in a child process: pwsh itself, or dotnet with
        pwsh.dll when it runs as the .NET tool (dotnet pwsh). Use as: & $c[0] @($c | Select-Object -Skip 1) -NoProfile ...
    #>
    $exe = [Environment]::ProcessPath
    if ((Split-Path -Leaf $exe) -like 'dotnet*') { @($exe, (Join-Path $PSHOME 'pwsh.dll')) } else { @($exe) }
}
