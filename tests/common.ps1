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
#
# Live setup belongs in the BeforeAll of the skipped Describe, not at file level: Pester runs a
# skipped block's BeforeAll/AfterAll not at all, but runs the file's BeforeAll whenever any test of
# the file runs. Pester runs a block's AfterAll even when its BeforeAll threw, so a teardown that
# sets its variables to $null first and ends holders before it deletes the namespace always cleans up:
#
#   BeforeAll { $script:ns = $script:holder = $null; $script:ns = New-TestNamespace
#               $script:holder = Start-NamespacePython -Namespace $script:ns -Code $code }
#   AfterAll  { try { Stop-NamespaceProcess $script:holder } finally { Remove-TestNamespace $script:ns } }

# Strict mode is set inside each helper, not here: dot-sourcing would set it for the whole test file,
# where it turns PowerShell's usual scalar-or-array results (`$single.Count`) into errors.

# The module as build.ps1 publishes it (output/SocketTools/<version>/).
$ModulePath = Join-Path $PSScriptRoot '..' 'output' 'SocketTools'

function Test-LiveTier {
    <#
    .SYNOPSIS
        True when live tests can run here: root, and a network namespace can be created and deleted.
        Probed once per process (cached in an environment variable, so child runspaces agree).
    #>
    Set-StrictMode -Version Latest
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
    Set-StrictMode -Version Latest
    $name = $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    & ip netns add $name
    if ($LASTEXITCODE -ne 0) { throw "ip netns add $name failed (exit $LASTEXITCODE)." }
    & ip -n $name link set lo up
    if ($LASTEXITCODE -ne 0) {
        & ip netns del $name 2>$null
        throw "ip -n $name link set lo up failed (exit $LASTEXITCODE)."
    }
    $name
}

function Remove-TestNamespace {
    <#
    .SYNOPSIS
        Deletes a namespace made by New-TestNamespace, after ending every process still inside it
        (only processes in that namespace: `ip netns pids`).
    #>
    param([string] $Name)
    Set-StrictMode -Version Latest
    if (-not $Name) { return }
    foreach ($id in @(& ip netns pids $Name 2>$null)) {
        if ($id -match '^\d+$') { Stop-Process -Id ([int]$id) -Force -ErrorAction Ignore }
    }
    & ip netns del $Name 2>$null
    if ($LASTEXITCODE -ne 0 -and (@(& ip netns list) -match "^$([regex]::Escape($Name))(\s|$)")) {
        Write-Warning "ip netns del $Name failed (exit $LASTEXITCODE); the namespace is left behind."
    }
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
    Set-StrictMode -Version Latest
    Start-HolderProcess -Command (@('ip', 'netns', 'exec', $Namespace, $FilePath) + $ArgumentList) -WaitForLine:$WaitForLine -Timeout $Timeout -Description "$FilePath in $Namespace"
}

function Start-HolderProcess {
    <#
    .SYNOPSIS
        Starts a command line (Command[0] is the program, the rest its arguments, passed verbatim)
        with stdin and stdout redirected. With -WaitForLine, returns once it printed its first line,
        in the process's NoteProperty FirstLine. Start-NamespaceProcess is this behind ip netns exec,
        Start-UnsharedPython behind unshare -n; Stop-NamespaceProcess ends either.
    #>
    param(
        [Parameter(Mandatory)][string[]] $Command,
        [switch] $WaitForLine,
        [timespan] $Timeout = [timespan]::FromSeconds(20),
        # Names the process in errors ("python3 in stt-pester-1234abcd").
        [string] $Description = $Command[0]
    )
    Set-StrictMode -Version Latest
    $psi = [System.Diagnostics.ProcessStartInfo]::new($Command[0])
    foreach ($argument in $Command | Select-Object -Skip 1) {
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
            throw "$Description printed nothing within $Timeout."
        }
        if ($null -eq $read.Result) {
            throw "$Description exited (code $(if ($process.WaitForExit(2000)) { $process.ExitCode })) before it was ready."
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
    Set-StrictMode -Version Latest
    Start-NamespaceProcess -Namespace $Namespace -FilePath 'python3' -ArgumentList (@('-c', $Code) + $ArgumentList) -WaitForLine
}

function Stop-NamespaceProcess {
    <#
    .SYNOPSIS
        Ends a process started by Start-NamespaceProcess: closes its stdin, then kills it (and its
        children) if it has not exited within two seconds, with a warning (a holder should end on
        end of input: sys.stdin.read()). Does nothing for $null, so an AfterAll may call it for a
        holder its BeforeAll never started.
    #>
    param($Process)
    Set-StrictMode -Version Latest
    if (-not $Process) { return }
    try {
        try { $Process.StandardInput.Close() } catch { }
        if (-not $Process.WaitForExit(2000)) {
            Write-Warning "Process $($Process.Id) did not end when its stdin closed; killing it."
            try { $Process.Kill($true) } catch { }
            [void] $Process.WaitForExit(5000)
        }
    }
    finally {
        $Process.Dispose()
    }
}

function Invoke-InNamespace {
    <#
    .SYNOPSIS
        Runs a reference tool (ss, netstat, lsof, python3, …) inside Namespace and returns its output
        lines; $LASTEXITCODE is the tool's.
    .DESCRIPTION
        Invoke-InNamespace [-Namespace] <name> [-FilePath] <tool> [-ArgumentList <args>] [<args>...]
        Everything after the tool is passed to it verbatim. The function declares no parameters on
        purpose: PowerShell would bind a tool's option to a parameter of its own by prefix
        (`netstat -p` to -PipelineVariable, `ss -n` to -Namespace, `lsof -a` to -ArgumentList) or
        reject it as ambiguous (`-e`, `-i`, `-o`).
    .EXAMPLE
        Invoke-InNamespace $script:ns ss -Htan state time-wait
    #>
    Set-StrictMode -Version Latest
    $rest = [System.Collections.Generic.List[object]]::new()
    foreach ($a in $args) { $rest.Add($a) }
    $Namespace = $FilePath = $null
    while ($rest.Count -gt 0 -and ($null -eq $Namespace -or $null -eq $FilePath)) {
        $token = $rest[0]
        if ($rest.Count -gt 1 -and $null -eq $Namespace -and $token -is [string] -and $token -eq '-Namespace') {
            $Namespace = $rest[1]
            $rest.RemoveRange(0, 2)
        }
        elseif ($rest.Count -gt 1 -and $null -eq $FilePath -and $token -is [string] -and $token -eq '-FilePath') {
            $FilePath = $rest[1]
            $rest.RemoveRange(0, 2)
        }
        else {
            if ($null -eq $Namespace) { $Namespace = $token } else { $FilePath = $token }
            $rest.RemoveAt(0)
        }
    }
    if (-not $Namespace -or -not $FilePath) {
        throw 'Usage: Invoke-InNamespace [-Namespace] <name> [-FilePath] <tool> [-ArgumentList <args>] [<args>...]'
    }
    if ($rest.Count -gt 1 -and $rest[0] -is [string] -and $rest[0] -eq '-ArgumentList') {
        $list = @($rest[1])
        $rest.RemoveRange(0, 2)
        $rest.InsertRange(0, [object[]]$list)
    }
    $toolArguments = @($rest)
    & ip netns exec $Namespace $FilePath @toolArguments
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

function Start-UnsharedPython {
    <#
    .SYNOPSIS
        Runs a python3 script (its text) in a new, unnamed network namespace (unshare -n, loopback
        brought up) and waits for its first printed line. The namespace lives as long as the process:
        nothing under /run/netns names it; /proc/<pid>/ns/net reads net:[INODE]. The process is
        python3 itself (unshare and sh exec it), so $process.Id is the pid that owns the sockets.
    #>
    param(
        [Parameter(Mandatory)][string] $Code,
        [string[]] $ArgumentList = @()
    )
    Set-StrictMode -Version Latest
    Start-HolderProcess -WaitForLine -Description 'python3 under unshare -n' -Command (
        @('unshare', '-n', 'sh', '-c', 'ip link set lo up && exec python3 -c "$0" "$@"', $Code) + $ArgumentList)
}

function Get-NetworkNamespaceInode {
    <#
    .SYNOPSIS
        The inode of the network namespace behind Path (/run/netns/NAME, /proc/PID/ns/net, or any
        nsfs bind mount): what /proc/PID/ns/net reads as net:[INODE], and what lsns -t net lists.
    #>
    param([Parameter(Mandatory)][string] $Path)
    Set-StrictMode -Version Latest
    $inode = & stat -L -c %i $Path
    if ($LASTEXITCODE -ne 0) { throw "stat -L $Path failed (exit $LASTEXITCODE)." }
    [uint64] $inode
}

function Get-CgroupHierarchy {
    <#
    .SYNOPSIS
        The cgroup hierarchies a container runtime puts its processes in, as mounted here: the v2
        (unified) one and the v1 name=systemd and pids ones, each as Version, Name ('unified',
        'name=systemd', 'pids') and Root (mount point). A v2-only host has only 'unified'; a
        hybrid host (v1 controllers, systemd's v2 at /sys/fs/cgroup/unified) has all three.
    #>
    Set-StrictMode -Version Latest
    foreach ($line in Get-Content /proc/self/mountinfo) {
        $dash = $line.IndexOf(' - ')
        if ($dash -lt 0) { continue }
        $mount = $line.Substring(0, $dash) -split ' '        # id parent dev root mountpoint options ...
        $fs = $line.Substring($dash + 3) -split ' '          # fstype source superoptions
        if ($mount[3] -ne '/') { continue }                  # a bind mount of a sub-cgroup
        if ($fs[0] -eq 'cgroup2') {
            [pscustomobject]@{ Version = 2; Name = 'unified'; Root = $mount[4] }
        }
        elseif ($fs[0] -eq 'cgroup') {
            foreach ($name in $fs[2] -split ',' | Where-Object { $_ -in 'name=systemd', 'pids' }) {
                [pscustomobject]@{ Version = 1; Name = $name; Root = $mount[4] }
            }
        }
    }
}

function New-TestCgroup {
    <#
    .SYNOPSIS
        Creates the cgroup directory Path (relative, e.g. 'stt-1234abcd/system.slice/docker-<id>.scope';
        its first component must be a name the test made up) in each hierarchy of Get-CgroupHierarchy
        of the given versions (all of them when none of those versions is mounted), and moves the
        processes Id into it. Returns the directories made, for Remove-TestCgroup.
    #>
    param(
        [Parameter(Mandatory)][string] $Path,
        [int[]] $Id = @(),
        [int[]] $Version = @(1, 2)
    )
    Set-StrictMode -Version Latest
    $hierarchies = @(Get-CgroupHierarchy)
    $chosen = @($hierarchies | Where-Object Version -In $Version)
    if ($chosen.Count -eq 0) { $chosen = $hierarchies }
    if ($chosen.Count -eq 0) { throw 'No cgroup hierarchy is mounted.' }
    foreach ($hierarchy in $chosen) {
        $directory = Join-Path $hierarchy.Root $Path
        $null = New-Item -ItemType Directory -Path $directory -Force
        foreach ($processId in $Id) {
            [System.IO.File]::WriteAllText((Join-Path $directory 'cgroup.procs'), "$processId")
        }
        $directory
    }
}

function Remove-TestCgroup {
    <#
    .SYNOPSIS
        Removes cgroup directories (and the empty directories below them) made by New-TestCgroup,
        deepest first, after moving any process still inside to the root of its hierarchy. Give it
        the top directory the test made up (Root/stt-1234abcd) to remove the whole tree.
    #>
    param([string[]] $Path = @())
    Set-StrictMode -Version Latest
    $roots = @(Get-CgroupHierarchy | ForEach-Object Root | Sort-Object Length -Descending)
    foreach ($top in $Path) {
        if (-not $top -or -not (Test-Path -LiteralPath $top)) { continue }
        $root = $roots | Where-Object { $top.StartsWith($_ + '/') } | Select-Object -First 1
        if (-not $root) { throw "$top is in no mounted cgroup hierarchy." }
        $tree = @(Get-ChildItem -LiteralPath $top -Directory -Recurse | ForEach-Object FullName) + $top
        foreach ($directory in $tree | Sort-Object Length -Descending) {
            foreach ($processId in @(Get-Content (Join-Path $directory 'cgroup.procs') -ErrorAction Ignore)) {
                try { [System.IO.File]::WriteAllText((Join-Path $root 'cgroup.procs'), "$processId") } catch { }
            }
            try { [System.IO.Directory]::Delete($directory) }
            catch { Write-Warning "rmdir $directory failed: $($_.Exception.Message); it is left behind." }
        }
    }
}
