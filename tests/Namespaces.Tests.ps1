#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Issue 14: every network namespace and container on the host, in one call. Live tier (root and
# ip netns; skipped without them). Every namespace, process and cgroup here is made by this file and
# removed by it; the machine has namespaces of its own, so the tests only assert about ours, and
# compare them with ss run in the same namespace at the same moment.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force

    # The holder: makes the sockets its arguments name, in order, prints its pid and waits for stdin to
    # close (or, given 'exit', leaves at once so that only kernel-owned TIME-WAIT sockets remain).
    #   ns=PATH            enter the network namespace at PATH (setns); ns=home goes back
    #   listen=ADDR,PORT[,v6only]
    #   pairs=ADDR,PORT,N  a listener and N established connections to it
    #   udp=ADDR,PORT[,connected]   a bound UDP socket (and a second one connected to it)
    #   timewait=ADDR,PORT,N        N connections the client closed first (TIME-WAIT), no listener left
    $script:holderCode = @'
import ctypes, os, socket, sys, time
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
keep = []
def family(addr): return socket.AF_INET6 if ":" in addr else socket.AF_INET
def listen(addr, port, v6only=False):
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only: s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port)); s.listen(16); return s
def connect(listener, addr, port):
    c = socket.create_connection((addr, port)); a, _ = listener.accept(); return c, a
for spec in sys.argv[1:]:
    kind, _, rest = spec.partition("=")
    a = rest.split(",")
    if kind == "ns":
        fd = home if rest == "home" else os.open(rest, os.O_RDONLY)
        if libc.setns(fd, 0x40000000) != 0: raise OSError(ctypes.get_errno(), "setns " + rest)
        if fd != home: os.close(fd)
    elif kind == "listen":
        keep.append(listen(a[0], int(a[1]), len(a) > 2))
    elif kind == "pairs":
        l = listen(a[0], int(a[1])); keep.append(l)
        for i in range(int(a[2])): keep.extend(connect(l, a[0], int(a[1])))
    elif kind == "udp":
        u = socket.socket(family(a[0]), socket.SOCK_DGRAM); u.bind((a[0], int(a[1]))); keep.append(u)
        if len(a) > 2:
            c = socket.socket(family(a[0]), socket.SOCK_DGRAM); c.connect((a[0], int(a[1]))); keep.append(c)
    elif kind == "timewait":
        l = listen(a[0], int(a[1]))
        for i in range(int(a[2])):
            c, s = connect(l, a[0], int(a[1])); c.close(); time.sleep(0.02); s.close()
        l.close()
    elif kind != "exit":
        raise ValueError(spec)
time.sleep(0.05)
print(os.getpid(), flush=True)
if "exit" not in sys.argv: sys.stdin.read()
'@

    # ss in a test namespace: by name (ss -N) for a named one, through its namespace file otherwise.
    function Invoke-SsIn($Space, [string[]] $SsArgs) {
        if ($Space.Named) { & ss -N $Space.Name @SsArgs } else { & nsenter "--net=$($Space.Path)" ss @SsArgs }
        if ($LASTEXITCODE -ne 0) { throw "ss $SsArgs in $($Space.Label) failed (exit $LASTEXITCODE)." }
    }

    # One ss line as 'netid state local peer' (and, with -Users, ' users:' and its owners sorted).
    function ConvertFrom-SsLine([string] $Line, [switch] $Users) {
        $f = $Line.Trim() -split '\s+'
        $key = '{0} {1} {2} {3}' -f $f[0], $f[1], $f[4], $f[5]
        if ($Users) {
            $owners = @([regex]::Matches($Line, '\("([^"]*)",pid=(\d+),fd=(\d+)\)') |
                    ForEach-Object { '{0},{1},{2}' -f $_.Groups[1].Value, $_.Groups[2].Value, $_.Groups[3].Value } | Sort-Object)
            $key += ' users:' + ($owners -join ';')
        }
        $key
    }

    # Our socket as the same text, from its typed properties.
    function ConvertTo-SsKey($Socket, [switch] $Users) {
        $key = '{0} {1} {2} {3}' -f $Socket.Protocol.ToString().ToLowerInvariant(), [SocketTools.Text.SsText]::State($Socket.State),
            [SocketTools.Text.SsText]::Local($Socket), [SocketTools.Text.SsText]::Peer($Socket)
        if ($Users) {
            $owners = @($Socket.Owners | Where-Object { $_ } | ForEach-Object { '{0},{1},{2}' -f $_.Command, $_.Id, $_.Fd } | Sort-Object)
            $key += ' users:' + ($owners -join ';')
        }
        $key
    }

    # ss's view of each space: a hashtable from the namespace inode (as a string) to its sorted lines.
    # The ss processes run side by side: each walks the host's whole TCP hash (and, with -p, all of
    # /proc), which on a busy host takes a while.
    function Get-SsSnapshot($Spaces, [string[]] $SsArgs, [switch] $Users) {
        $running = foreach ($space in $Spaces) {
            $command = if ($space.Named) { @('ss', '-N', $space.Name) } else { @('nsenter', "--net=$($space.Path)", 'ss') }
            $psi = [System.Diagnostics.ProcessStartInfo]::new($command[0])
            foreach ($argument in @($command | Select-Object -Skip 1) + '-H' + $SsArgs) { $psi.ArgumentList.Add($argument) }
            $psi.UseShellExecute = $false
            $psi.RedirectStandardOutput = $true
            $process = [System.Diagnostics.Process]::Start($psi)
            [pscustomobject]@{ Space = $space; Process = $process; Output = $process.StandardOutput.ReadToEndAsync() }
        }
        $snapshot = @{}
        foreach ($r in @($running)) {
            $r.Process.WaitForExit()
            if ($r.Process.ExitCode -ne 0) { throw "ss $SsArgs in $($r.Space.Label) failed (exit $($r.Process.ExitCode))." }
            $snapshot[[string]$r.Space.Id] = @($r.Output.Result -split "`n" | Where-Object { $_.Trim() } |
                    ForEach-Object { ConvertFrom-SsLine $_ -Users:$Users } | Sort-Object)
            $r.Process.Dispose()
        }
        $snapshot
    }

    # Our rows in Spaces (the host has others, maybe with 100,000 sockets) the same way, grouped by
    # NetworkNamespaceId.
    function Group-ByNamespace($Sockets, $Spaces, [switch] $Users) {
        $groups = @{}
        foreach ($socket in Select-InSpace $Sockets $Spaces) {
            $id = [string]$socket.NetworkNamespaceId
            if (-not $groups.ContainsKey($id)) { $groups[$id] = [System.Collections.Generic.List[string]]::new() }
            $groups[$id].Add((ConvertTo-SsKey $socket -Users:$Users))
        }
        $sorted = @{}
        foreach ($id in $groups.Keys) { $sorted[$id] = @($groups[$id] | Sort-Object) }
        $sorted
    }

    # ss over Spaces, then Ours, then ss again over the namespaces whose sockets can change (the
    # fixture is static but for TIME-WAIT timers running out), until both ss passes agree; returns
    # ss's snapshot and our result. ss walks the host's whole TCP hash each time: keep the calls few.
    function Invoke-AtOneMoment($Spaces, [string[]] $SsArgs, [scriptblock] $Ours, [switch] $Users) {
        for ($attempt = 1; ; $attempt++) {
            $before = Get-SsSnapshot $Spaces $SsArgs -Users:$Users
            $result = @(& $Ours)
            $volatile = @($Spaces | Where-Object { ($before[[string]$_.Id] -join "`n") -match 'TIME-WAIT' })
            $after = Get-SsSnapshot $volatile $SsArgs -Users:$Users
            $same = -not @($after.Keys | Where-Object { ($before[$_] -join "`n") -ne ($after[$_] -join "`n") })
            if ($same -or $attempt -ge 3) { return [pscustomobject]@{ Ss = $before; Ours = $result } }
        }
    }

    # The objects of Spaces only, fast over a host-wide result.
    function Select-InSpace($Objects, $Spaces) {
        $ids = [System.Collections.Generic.HashSet[uint64]]::new()
        foreach ($space in $Spaces) { $null = $ids.Add([uint64]$space.Id) }
        foreach ($o in $Objects) { if ($null -ne $o.NetworkNamespaceId -and $ids.Contains([uint64]$o.NetworkNamespaceId)) { $o } }
    }

    function New-ContainerId { [guid]::NewGuid().ToString('N') + [guid]::NewGuid().ToString('N') }
}

Describe 'Every network namespace and container on the host (issue 14)' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:names = [System.Collections.Generic.List[string]]::new()
        $script:holders = [System.Collections.Generic.List[object]]::new()
        $script:cgroupTops = @()
        $script:bindDir = $null
        $script:tag = 'stt-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script:cgroupTops = @(Get-CgroupHierarchy | ForEach-Object { Join-Path $_.Root $script:tag })

        # 20 named namespaces, <tag>-01 … <tag>-20, loopback up.
        foreach ($i in 1..20) {
            $name = '{0}-{1:D2}' -f $script:tag, $i
            & ip netns add $name
            if ($LASTEXITCODE -ne 0) { throw "ip netns add $name failed (exit $LASTEXITCODE)." }
            $script:names.Add($name)
            & ip -n $name link set lo up
            if ($LASTEXITCODE -ne 0) { throw "ip -n $name link set lo up failed (exit $LASTEXITCODE)." }
        }
        $script:spaces = [System.Collections.Generic.List[object]]::new()
        foreach ($i in 1..20) {
            $name = $script:names[$i - 1]
            $script:spaces.Add([pscustomobject]@{
                    Label = '{0:D2}' -f $i; Name = $name; Named = $true; Path = "/run/netns/$name"
                    Id = Get-NetworkNamespaceInode "/run/netns/$name"
                })
        }

        # 01: a docker container (systemd cgroup driver: system.slice/docker-<id>.scope, v1 and v2).
        # 02: a docker container (cgroupfs driver: docker/<id>, v1 hierarchies only).
        # 03: no socket at all.
        $c1 = Start-NamespacePython -Namespace $script:names[0] -Code $script:holderCode -ArgumentList @(
            'listen=0.0.0.0,8080', 'pairs=127.0.0.1,9001,2', 'udp=127.0.0.1,5301')
        $script:holders.Add($c1)
        $c2 = Start-NamespacePython -Namespace $script:names[1] -Code $script:holderCode -ArgumentList @(
            'listen=0.0.0.0,8080', 'udp=127.0.0.1,5302,connected', 'pairs=::1,9002,1')
        $script:holders.Add($c2)

        # 04-20: one process, in this test's own cgroups and namespace, holds sockets in all of them
        # (setns from one to the next): different sockets in each, port 8080 in the even ones.
        $specs = foreach ($i in 4..20) {
            "ns=/run/netns/$($script:names[$i - 1])"
            "pairs=127.0.0.1,$(7000 + $i),$($i % 4)"
            if ($i % 2 -eq 0) { 'listen=0.0.0.0,8080' }
            if ($i % 6 -eq 0) { 'listen=::,8080,v6only' }
            if ($i % 3 -eq 1) { 'listen=::,8081' }
            if ($i % 2 -eq 1) { "udp=127.0.0.1,$(5300 + $i),connected" } else { "udp=127.0.0.1,$(5300 + $i)" }
            if ($i % 5 -eq 0) { "timewait=127.0.0.1,$(7100 + $i),2" }
            if ($i % 7 -eq 0) { "pairs=::1,$(7200 + $i),1" }
        }
        $script:multi = Start-HolderProcess -WaitForLine -Description 'the holder of namespaces 04-20' -Command (
            @('python3', '-c', $script:holderCode) + @($specs) + 'ns=home')
        $script:holders.Add($script:multi)

        # (a) unnamed, held only by its process (unshare -n): a containerd container of a Kubernetes pod.
        $ca = Start-UnsharedPython -Code $script:holderCode -ArgumentList @(
            'listen=0.0.0.0,8080', 'pairs=127.0.0.1,9100,2', 'udp=::1,5310')
        $script:holders.Add($ca)
        $script:spaces.Add([pscustomobject]@{
                Label = 'unshare-a'; Name = $null; Named = $false; Path = "/proc/$($ca.Id)/ns/net"
                Id = Get-NetworkNamespaceInode "/proc/$($ca.Id)/ns/net"
            })

        # (b) unnamed, held only by a bind mount outside /run/netns; only TIME-WAIT sockets, no process.
        $script:bindDir = Join-Path ([System.IO.Path]::GetTempPath()) "$($script:tag)-bind"
        $null = New-Item -ItemType Directory -Path $script:bindDir
        $bindFile = Join-Path $script:bindDir 'net'
        $null = New-Item -ItemType File -Path $bindFile
        & unshare "--net=$bindFile" true
        if ($LASTEXITCODE -ne 0) { throw "unshare --net=$bindFile failed (exit $LASTEXITCODE)." }
        & nsenter "--net=$bindFile" ip link set lo up
        $null = & nsenter "--net=$bindFile" python3 -c $script:holderCode 'timewait=127.0.0.1,7100,2' 'timewait=::1,7101,1' 'exit'
        if ($LASTEXITCODE -ne 0) { throw "The TIME-WAIT holder in $bindFile failed (exit $LASTEXITCODE)." }
        $script:spaces.Add([pscustomobject]@{
                Label = 'bind-b'; Name = $null; Named = $false; Path = $bindFile; Id = Get-NetworkNamespaceInode $bindFile
            })

        # (c) unnamed, held by its process, in no container.
        $cc = Start-UnsharedPython -Code $script:holderCode -ArgumentList @(
            'listen=::,8080', 'pairs=::1,9200,1', 'udp=127.0.0.1,5320,connected')
        $script:holders.Add($cc)
        $script:spaces.Add([pscustomobject]@{
                Label = 'unshare-c'; Name = $null; Named = $false; Path = "/proc/$($cc.Id)/ns/net"
                Id = Get-NetworkNamespaceInode "/proc/$($cc.Id)/ns/net"
            })
        foreach ($space in $script:spaces) {
            $space | Add-Member -NotePropertyName Expected -NotePropertyValue $(if ($space.Named) { $space.Name } else { "net:[$($space.Id)]" })
        }
        $script:byLabel = @{}
        foreach ($space in $script:spaces) { $script:byLabel[$space.Label] = $space }

        # The fake containers: cgroup directories named as the runtimes name theirs, under this test's
        # made-up top directory, and the processes moved there.
        $podUid = [guid]::NewGuid().ToString()
        $script:containers = @(
            [pscustomobject]@{ Label = 'docker-systemd'; Process = $c1; Space = $script:byLabel['01']; Id = New-ContainerId
                Runtime = 'docker'; PodUid = $null; Version = @(1, 2); Path = $null; Unit = $null }
            [pscustomobject]@{ Label = 'docker-cgroupfs'; Process = $c2; Space = $script:byLabel['02']; Id = New-ContainerId
                Runtime = 'docker'; PodUid = $null; Version = @(1); Path = $null; Unit = $null }
            [pscustomobject]@{ Label = 'containerd-pod'; Process = $ca; Space = $script:byLabel['unshare-a']; Id = New-ContainerId
                Runtime = 'containerd'; PodUid = $podUid; Version = @(2); Path = $null; Unit = $null }
        )
        $script:containers[0].Unit = "docker-$($script:containers[0].Id).scope"
        $script:containers[0].Path = "$($script:tag)/system.slice/$($script:containers[0].Unit)"
        $script:containers[1].Path = "$($script:tag)/docker/$($script:containers[1].Id)"
        $script:containers[2].Unit = "cri-containerd-$($script:containers[2].Id).scope"
        $script:containers[2].Path = "$($script:tag)/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod$($podUid -replace '-', '_').slice/$($script:containers[2].Unit)"
        foreach ($container in $script:containers) {
            $null = New-TestCgroup -Path $container.Path -Id $container.Process.Id -Version $container.Version
        }
        $script:uncontained = @($script:multi.Id, $cc.Id)
    }

    AfterAll {
        try {
            foreach ($holder in $script:holders) { Stop-NamespaceProcess $holder }
        }
        finally {
            try { Remove-TestCgroup $script:cgroupTops } catch { Write-Warning "$_" }
            foreach ($name in $script:names) { Remove-TestNamespace $name }
            if ($script:bindDir) {
                & umount (Join-Path $script:bindDir 'net') 2>$null
                Remove-Item -LiteralPath $script:bindDir -Recurse -Force -ErrorAction Ignore
            }
        }
    }

    It 'has built what it claims, as ss and /proc see it' {
        $snapshot = Get-SsSnapshot $script:spaces @('-tuna')
        $snapshot.Count | Should -Be 23
        @($script:spaces.Id | Sort-Object -Unique).Count | Should -Be 23
        ($snapshot.Values | ForEach-Object { $_.Count } | Measure-Object -Sum).Sum | Should -BeGreaterThan 80
        $snapshot[[string]$script:byLabel['03'].Id].Count | Should -Be 0
        ($snapshot[[string]$script:byLabel['bind-b'].Id] -join "`n") | Should -Match '(?m)^tcp TIME-WAIT '
        $with8080 = @($script:spaces | Where-Object { ($snapshot[[string]$_.Id] -join "`n") -match '(?m)^tcp LISTEN \S*:8080 ' })
        $with8080.Count | Should -BeGreaterThan 10
        foreach ($container in $script:containers) {
            (Get-Content "/proc/$($container.Process.Id)/cgroup") -join "`n" | Should -Match ([regex]::Escape($container.Id))
            Get-NetworkNamespaceInode "/proc/$($container.Process.Id)/ns/net" | Should -Be $container.Space.Id
        }
        # The bind-mounted namespace has no process: only the mount holds it.
        @(Get-ChildItem /proc/[0-9]*/ns/net -ErrorAction Ignore | Where-Object {
                try { $_.LinkTarget -eq "net:[$($script:byLabel['bind-b'].Id)]" } catch { $false } }).Count | Should -Be 0
    }

    Context 'A piped object acts in its own namespace' {
        It 'Watch-TcpTimer samples the piped TIME-WAIT sockets of the bind-mounted namespace' {
            $space = $script:byLabel['bind-b']
            $sockets = @(Get-SocketStat -NetworkNamespace $space.Expected -State TimeWait)
            $sockets.Count | Should -Be @(Invoke-SsIn $space @('-Htn', 'state', 'time-wait')).Count
            $sockets.Count | Should -BeGreaterThan 0
            $samples = @($sockets | Watch-TcpTimer -Count 1)
            $samples.Count | Should -Be $sockets.Count
            @($samples.Cookie | Sort-Object) | Should -Be @($sockets.Cookie | Sort-Object)
            $samples | ForEach-Object {
                $_.TimerKind | Should -Be ([SocketTools.TimerKind]::TimeWait)
                $_.NetworkNamespace | Should -BeExactly $space.Expected
                $_.NetworkNamespaceId | Should -Be $space.Id
            }
        }

        It 'Watch-TcpTimer samples piped established sockets of a named namespace' {
            $space = $script:byLabel['01']
            $sockets = @(Get-SocketStat -NetworkNamespace $space.Name -State Established)
            $sockets.Count | Should -Be 4
            $samples = @($sockets | Watch-TcpTimer -Count 1)
            @($samples.Cookie | Sort-Object) | Should -Be @($sockets.Cookie | Sort-Object)
            $samples | ForEach-Object { $_.NetworkNamespace | Should -BeExactly $space.Name }
        }

        It 'Get-SocketProcess finds the owners of piped sockets in their namespace' {
            $container = $script:containers[0]
            $sockets = @(Get-SocketStat -NetworkNamespace $container.Space.Name -State Established)
            $processes = @($sockets | Get-SocketProcess)
            $processes.Count | Should -Be @(Invoke-SsIn $container.Space @('-Htnp', 'state', 'established') | Where-Object { $_ -match "pid=$($container.Process.Id)," }).Count
            $processes | ForEach-Object {
                $_.Id | Should -Be $container.Process.Id
                $_.ContainerId | Should -BeExactly $container.Id
                $_.NetworkNamespace | Should -BeExactly $container.Space.Name
            }
        }

        It 'Watch-TcpTimer and Get-SocketProcess take sockets of several namespaces in one pipeline' {
            $spaces = @($script:byLabel['01'], $script:byLabel['unshare-a'], $script:byLabel['unshare-c'])
            $sockets = @(Select-InSpace (Get-SocketStat -AllNetworkNamespaces -State Established -Filter 'sport = :9001 or dport = :9001 or sport = :9100 or dport = :9100 or sport = :9200 or dport = :9200') $spaces)
            $sockets.Count | Should -Be 10
            $samples = @($sockets | Watch-TcpTimer -Count 1)
            @($samples | ForEach-Object { '{0} {1}' -f $_.NetworkNamespaceId, $_.Cookie } | Sort-Object) |
                Should -Be @($sockets | ForEach-Object { '{0} {1}' -f $_.NetworkNamespaceId, $_.Cookie } | Sort-Object)
            $processes = @($sockets | Get-SocketProcess)
            @($processes | ForEach-Object { '{0} {1}' -f $_.NetworkNamespace, $_.Id } | Sort-Object -Unique) |
                Should -Be @(@("$($spaces[0].Expected) $($script:containers[0].Process.Id)", "$($spaces[1].Expected) $($script:containers[2].Process.Id)",
                        "$($spaces[2].Expected) $($script:uncontained[1])") | Sort-Object)
        }

        It 'Get-SocketProcess finds owners of sockets piped from -AllNetworkNamespaces, unnamed namespace' {
            $container = $script:containers[2]
            $sockets = @(Select-InSpace (Get-SocketStat -AllNetworkNamespaces -State Established -Filter 'sport = :9100 or dport = :9100') $container.Space)
            $sockets.Count | Should -Be @(Invoke-SsIn $container.Space @('-Htn', 'state', 'established')).Count
            $sockets.Count | Should -Be 4
            $processes = @($sockets | Get-SocketProcess)
            $processes.Count | Should -Be $sockets.Count
            $processes | ForEach-Object {
                $_.Id | Should -Be $container.Process.Id
                $_.NetworkNamespace | Should -BeExactly $container.Space.Expected
                $_.PodUid | Should -Be $container.PodUid
            }
        }

    }

    Context 'Get-SocketStat -AllNetworkNamespaces' {
        It 'lists in every test namespace what ss -tuna lists there, each row naming its namespace' {
            $m = Invoke-AtOneMoment $script:spaces @('-tuna') { Get-SocketStat -AllNetworkNamespaces -Protocol Tcp, Udp }
            $ours = Group-ByNamespace $m.Ours $script:spaces
            foreach ($space in $script:spaces) {
                $key = [string]$space.Id
                $mine = if ($ours.ContainsKey($key)) { $ours[$key] } else { @() }
                ($mine -join "`n") | Should -Be ($m.Ss[$key] -join "`n") -Because "namespace $($space.Label) ($($space.Expected))"
            }
            # Each row names its namespace as the test knows it, and no other namespace's row has one of these names.
            $idOf = @{}
            $ourIds = [System.Collections.Generic.HashSet[uint64]]::new()
            foreach ($space in $script:spaces) { $idOf[$space.Expected] = [uint64]$space.Id; $null = $ourIds.Add([uint64]$space.Id) }
            $wrong = foreach ($row in $m.Ours) {
                $named = $row.NetworkNamespace -and $idOf.ContainsKey($row.NetworkNamespace)
                $ours = $ourIds.Contains([uint64]$row.NetworkNamespaceId)
                if (($named -and $idOf[$row.NetworkNamespace] -ne $row.NetworkNamespaceId) -or ($ours -and -not $named)) {
                    '{0} {1} {2}' -f $row.NetworkNamespace, $row.NetworkNamespaceId, (ConvertTo-SsKey $row)
                }
            }
            $wrong -join "`n" | Should -BeNullOrEmpty
        }

        It 'gives one summary per namespace, each as ss -s prints it there' {
            # ss -s's TCP allocated and orphaned counts are host-wide; the rest is the namespace's.
            function Get-NamespaceLine([string] $Text) {
                (($Text -split "`n") | ForEach-Object {
                    $_ -replace '^TCP:\s+\d+ \(estab (\d+), closed -?\d+, orphaned \d+, timewait (\d+)\)', 'TCP estab $1 timewait $2'
                } | ForEach-Object TrimEnd | Where-Object { $_ }) -join "`n"
            }
            $summaries = @(Get-SocketStat -AllNetworkNamespaces -Summary)
            foreach ($space in $script:spaces) {
                $mine = @($summaries | Where-Object { $_.NetworkNamespaceId -eq $space.Id })
                $mine.Count | Should -Be 1 -Because "namespace $($space.Label) has one summary"
                $mine[0].NetworkNamespace | Should -BeExactly $space.Expected
                # Sockets of earlier tests may still be closing: a count that moved between our read and
                # ss's is read again (both), up to three times; a real difference stays.
                for ($try = 1; ; $try++) {
                    $ours = Get-NamespaceLine ([SocketTools.Text.SummaryText]::Format($mine[0]))
                    $theirs = Get-NamespaceLine ((Invoke-SsIn $space @('-s')) -join "`n")
                    if ($ours -eq $theirs -or $try -ge 3) { break }
                    Start-Sleep -Milliseconds 300
                    $mine = @(Get-SocketStat -AllNetworkNamespaces -Summary | Where-Object { $_.NetworkNamespaceId -eq $space.Id })
                }
                $ours | Should -Be $theirs -Because "namespace $($space.Label)"
            }
            @($summaries | Group-Object NetworkNamespaceId | Where-Object Count -GT 1).Count | Should -Be 0
        }
    }

    Context 'Owners and their containers' {
        BeforeAll {
            # Owners do not change while the fixture lives (only TIME-WAIT sockets, which have none,
            # come and go; they are left out here): one ss -p pass, which reads all of /proc, serves
            # every test of this block.
            $script:ownerSs = Get-SsSnapshot $script:spaces @('-tunap') -Users
            foreach ($key in @($script:ownerSs.Keys)) { $script:ownerSs[$key] = @($script:ownerSs[$key] | Where-Object { $_ -notmatch '^tcp TIME-WAIT ' }) }
            $script:owned = @(Select-InSpace (Get-SocketStat -AllNetworkNamespaces -Protocol Tcp, Udp -IncludeProcess) $script:spaces)
        }

        It 'names every socket''s owners as ss -tunap does in that namespace (-IncludeProcess)' {
            $ours = Group-ByNamespace ($script:owned | Where-Object State -NE ([SocketTools.SocketState]::TimeWait)) $script:spaces -Users
            foreach ($space in $script:spaces) {
                $key = [string]$space.Id
                $mine = if ($ours.ContainsKey($key)) { $ours[$key] } else { @() }
                ($mine -join "`n") | Should -Be ($script:ownerSs[$key] -join "`n") -Because "namespace $($space.Label) ($($space.Expected))"
            }
            # The one holder of 04-20 owns sockets in 17 namespaces.
            @($script:owned | Where-Object { $_.Owners.Id -contains $script:multi.Id } | ForEach-Object NetworkNamespaceId | Sort-Object -Unique).Count | Should -Be 17
        }

        It 'tells the container of each owner: <Label>' -ForEach @(
            @{ Label = 'docker-systemd'; Index = 0 }
            @{ Label = 'docker-cgroupfs'; Index = 1 }
            @{ Label = 'containerd-pod'; Index = 2 }
        ) {
            $container = $script:containers[$Index]
            $owners = @($script:owned | Where-Object NetworkNamespaceId -EQ $container.Space.Id | ForEach-Object Owners | Where-Object { $_ })
            $owners.Count | Should -Be @($script:ownerSs[[string]$container.Space.Id] | ForEach-Object { if ($_ -match ' users:(.+)$') { $Matches[1] -split ';' } }).Count
            $owners.Count | Should -BeGreaterThan 0
            foreach ($owner in $owners) {
                $owner.Id | Should -Be $container.Process.Id
                $owner.ContainerId | Should -BeExactly $container.Id
                $owner.ContainerRuntime | Should -Be $container.Runtime
                $owner.PodUid | Should -Be $container.PodUid
                if ($container.Unit) { $owner.Unit | Should -BeExactly $container.Unit }
            }
        }

        It 'tells no container for processes in none' {
            $owners = @($script:owned | Where-Object { $_.NetworkNamespaceId -in $script:spaces.Id } | ForEach-Object Owners |
                    Where-Object { $_ -and $_.Id -in $script:uncontained })
            $owners.Count | Should -BeGreaterThan 20
            foreach ($owner in $owners) {
                $owner.ContainerId | Should -BeNullOrEmpty
                $owner.ContainerRuntime | Should -BeNullOrEmpty
                $owner.PodUid | Should -BeNullOrEmpty
            }
        }

        It 'Get-SocketProcess -AllNetworkNamespaces lists each owner''s sockets as ss -tunap, with its container' {
            $all = @(Select-InSpace (Get-SocketProcess -AllNetworkNamespaces) $script:spaces)
            foreach ($space in $script:spaces) {
                $expected = @($script:ownerSs[[string]$space.Id] | ForEach-Object { if ($_ -match ' users:(.+)$') { $Matches[1] -split ';' } } | Sort-Object)
                $rows = @($all | Where-Object { $_.NetworkNamespaceId -eq $space.Id })
                $mine = @($rows | Where-Object { $_.Socket.Protocol -in 'Tcp', 'Udp' } | ForEach-Object { '{0},{1},{2}' -f $_.Command, $_.Id, $_.Fd } | Sort-Object)
                ($mine -join "`n") | Should -Be ($expected -join "`n") -Because "namespace $($space.Label)"
                $rows | ForEach-Object { $_.NetworkNamespace | Should -BeExactly $space.Expected }
            }
            foreach ($container in $script:containers) {
                $rows = @($all | Where-Object Id -EQ $container.Process.Id)
                $rows.Count | Should -BeGreaterThan 0
                $rows | ForEach-Object {
                    $_.ContainerId | Should -BeExactly $container.Id
                    $_.ContainerRuntime | Should -Be $container.Runtime
                    $_.PodUid | Should -Be $container.PodUid
                }
            }
        }
    }

    Context 'Get-ListeningPort -AllNetworkNamespaces' {
        It 'lists the 8080 listener of each namespace that has one, as ss -tuln does' {
            $m = Invoke-AtOneMoment $script:spaces @('-tuln', 'sport = :8080') { Select-InSpace (Get-ListeningPort -AllNetworkNamespaces 8080) $script:spaces }
            $ours = Group-ByNamespace $m.Ours $script:spaces
            $listed = 0
            foreach ($space in $script:spaces) {
                $key = [string]$space.Id
                $mine = if ($ours.ContainsKey($key)) { $ours[$key] } else { @() }
                ($mine -join "`n") | Should -Be ($m.Ss[$key] -join "`n") -Because "namespace $($space.Label)"
                if ($m.Ss[$key].Count) { $listed++ }
            }
            $listed | Should -BeGreaterThan 10
            $m.Ours | ForEach-Object { $_.LocalPort | Should -Be 8080 }
            foreach ($container in $script:containers) {
                $row = @($m.Ours | Where-Object NetworkNamespaceId -EQ $container.Space.Id)
                $row.Count | Should -Be 1
                $row[0].OwningProcess | Should -Be $container.Process.Id
            }
        }

        It 'shows namespace and container in the container view' {
            # Rows wider than the host continue on indented lines: read the text with line breaks as
            # spaces, cut before each of our namespaces' names. The host's other namespaces are left out
            # before formatting, so that a host with thousands of listeners does not slow this test.
            $text = (Select-InSpace (Get-ListeningPort -AllNetworkNamespaces) $script:spaces | Format-Table -View container | Out-String -Width 500) -replace '\s+', ' '
            $text | Should -Match '(?i)\b(netns|namespace)\b'
            $text | Should -Match '(?i)container'
            $delimiters = @($script:spaces.Expected | ForEach-Object { [regex]::Escape($_) }) -join '|'
            $segments = @([regex]::Split($text, "(?=(?:$delimiters)\s)"))
            $ids = @($script:containers | ForEach-Object { $_.Id.Substring(0, 12) })
            foreach ($container in $script:containers) {
                $short = $container.Id.Substring(0, 12)
                $rows = @($segments | Where-Object { $_.StartsWith($container.Space.Expected + ' ') -and $_ -match ':8080\b' })
                $rows.Count | Should -Be 1 -Because "one 8080 row for $($container.Label) in $($container.Space.Expected)"
                $rows[0] | Should -Match ([regex]::Escape($short))
            }
            foreach ($space in $script:spaces | Where-Object { $_.Label -notin '01', '02', 'unshare-a' }) {
                $rows = @($segments | Where-Object { $_.StartsWith($space.Expected + ' ') })
                foreach ($row in $rows) { foreach ($id in $ids) { $row | Should -Not -Match $id } }
            }
            @($segments | Where-Object { $_.StartsWith($script:byLabel['04'].Expected + ' ') -and $_ -match ':8080\b' }).Count | Should -Be 1
        }
    }

    Context '-NetworkNamespace with wildcards and several names' {
        It 'refuses -NetworkNamespace together with -AllNetworkNamespaces instead of ignoring one of them' {
            # DESIGN: a bad parameter combination is a terminating error (a parameter-set conflict is one too).
            { Get-SocketStat -AllNetworkNamespaces -NetworkNamespace $script:names[0] -Protocol Tcp -ErrorAction Stop } | Should -Throw
            { Get-ListeningPort -AllNetworkNamespaces -NetworkNamespace $script:names[0] -ErrorAction Stop } | Should -Throw
        }

        It 'takes <tag>-* as the union of the 20 named namespaces' {
            $named = @($script:spaces | Where-Object Named)
            $m = Invoke-AtOneMoment $named @('-tuna') { Get-SocketStat -NetworkNamespace "$($script:tag)-*" -Protocol Tcp, Udp }
            @($m.Ours | Where-Object { $_.NetworkNamespaceId -notin $named.Id }).Count | Should -Be 0
            $ours = Group-ByNamespace $m.Ours $named
            foreach ($space in $named) {
                $key = [string]$space.Id
                $mine = if ($ours.ContainsKey($key)) { $ours[$key] } else { @() }
                ($mine -join "`n") | Should -Be ($m.Ss[$key] -join "`n") -Because "namespace $($space.Label)"
            }
        }

        It 'takes several names, net:[INODE] among them, as their union' {
            $chosen = @($script:byLabel['02'], $script:byLabel['07'], $script:byLabel['unshare-a'], $script:byLabel['bind-b'])
            $m = Invoke-AtOneMoment $chosen @('-tuna') {
                Get-SocketStat -NetworkNamespace ($chosen | ForEach-Object Expected) -Protocol Tcp, Udp
            }
            @($m.Ours | Where-Object { $_.NetworkNamespaceId -notin $chosen.Id }).Count | Should -Be 0
            $ours = Group-ByNamespace $m.Ours $chosen
            # (The TIME-WAIT sockets of bind-b end a minute after they were made: compare with ss, not with a count.)
            @($ours.Keys | Sort-Object) | Should -Be @($chosen | Where-Object { $m.Ss[[string]$_.Id].Count } | ForEach-Object { [string]$_.Id } | Sort-Object)
            foreach ($space in $chosen) {
                ($ours[[string]$space.Id] -join "`n") | Should -Be ($m.Ss[[string]$space.Id] -join "`n") -Because "namespace $($space.Label)"
            }
        }
    }

    Context 'A piped socket is closed in its own namespace (last: it changes namespace 07)' {
        It 'Close-Socket closes a piped socket in its namespace, and only it' {
            # The namespace with the most connections to its 70NN listener (i % 4 == 3).
            $space = $script:byLabel['07']
            $port = 7007
            $before = @(Invoke-SsIn $space @('-Htn', 'state', 'established', "dport = :$port"))
            $before.Count | Should -Be 3
            $victim = @(Select-InSpace (Get-SocketStat -AllNetworkNamespaces -State Established -RemotePort $port) $space)
            $victim.Count | Should -Be 3
            $victim[0] | Close-Socket -Confirm:$false
            Start-Sleep -Milliseconds 100
            $after = @(Invoke-SsIn $space @('-Htn', 'state', 'established', "dport = :$port"))
            $after.Count | Should -Be 2
            ($after -join "`n") | Should -Not -Match ":$($victim[0].LocalPort)\s"
            foreach ($other in $victim[1..2]) { ($after -join "`n") | Should -Match ":$($other.LocalPort)\s" }
        }
    }
}

Describe 'Namespaces and processes that vanish during -AllNetworkNamespaces' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:vnames = [System.Collections.Generic.List[string]]::new()
        $script:vholders = [System.Collections.Generic.List[object]]::new()
        $script:shadowDir = $null
        $script:churn = $null
        $script:vtag = 'stt-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        foreach ($i in 0..10) {
            $name = '{0}-v{1:D2}' -f $script:vtag, $i
            & ip netns add $name
            if ($LASTEXITCODE -ne 0) { throw "ip netns add $name failed (exit $LASTEXITCODE)." }
            $script:vnames.Add($name)
            & ip -n $name link set lo up
        }
        # v00 stays; every other namespace and process goes while the scans run.
        $script:keeper = Start-NamespacePython -Namespace $script:vnames[0] -Code $script:holderCode -ArgumentList @(
            'listen=0.0.0.0,8080', 'pairs=127.0.0.1,9300,2', 'udp=127.0.0.1,5330')
        $script:vholders.Add($script:keeper)
        $script:victims = [System.Collections.Generic.List[object]]::new()
        foreach ($i in 1..10) {
            $holder = Start-NamespacePython -Namespace $script:vnames[$i] -Code $script:holderCode -ArgumentList @(
                'listen=0.0.0.0,8080', "pairs=127.0.0.1,$(9300 + $i),2")
            $script:vholders.Add($holder)
            $script:victims.Add($holder)
        }
        foreach ($i in 1..8) {
            $holder = Start-UnsharedPython -Code $script:holderCode -ArgumentList @('listen=0.0.0.0,8080', 'pairs=127.0.0.1,9400,2')
            $script:vholders.Add($holder)
            $script:victims.Add($holder)
        }
        $script:keeperSpace = [pscustomobject]@{ Label = 'v00'; Name = $script:vnames[0]; Named = $true; Id = Get-NetworkNamespaceInode "/run/netns/$($script:vnames[0])" }
        $script:keeperRows = @(Invoke-SsIn $script:keeperSpace @('-Htunap') | Where-Object { $_.Trim() } | ForEach-Object { ConvertFrom-SsLine $_ -Users } | Sort-Object)
    }

    AfterAll {
        try {
            if ($script:churn) { try { $script:churn.Kill() } catch { }; $script:churn.Dispose() }
            foreach ($holder in $script:vholders) { Stop-NamespaceProcess $holder }
        }
        finally {
            foreach ($name in $script:vnames) { Remove-TestNamespace $name }
            if ($script:shadowDir) {
                & umount $script:shadowDir 2>$null
                & umount (Join-Path $script:shadowDir 'net') 2>$null
                Remove-Item -LiteralPath $script:shadowDir -Recurse -Force -ErrorAction Ignore
            }
        }
    }

    It 'scans without an error while namespaces are deleted and processes killed, and lists the rest' {
        # Of the named ones, the odd are deleted while their holder lives (the namespace loses its
        # name), then the holder is killed; the even lose their holder first. The unshare ones die
        # with their process.
        $steps = [System.Collections.Generic.List[string]]::new()
        foreach ($i in 1..10) {
            $name = $script:vnames[$i]; $holderId = $script:victims[$i - 1].Id
            if ($i % 2) { $steps.Add("ip netns del $name; sleep 0.03; kill -9 $holderId") } else { $steps.Add("kill -9 $holderId; sleep 0.03; ip netns del $name") }
            $steps.Add('sleep 0.05')
            if ($i -le 8) { $steps.Add("kill -9 $($script:victims[10 + $i - 1].Id)"); $steps.Add('sleep 0.05') }
        }
        $psi = [System.Diagnostics.ProcessStartInfo]::new('sh')
        $psi.ArgumentList.Add('-c')
        $psi.ArgumentList.Add('sleep 0.2; ' + ($steps -join '; '))
        $psi.UseShellExecute = $false
        $scans = 0
        $caught = [System.Collections.Generic.List[object]]::new()
        $errors = [System.Collections.Generic.List[object]]::new()
        $script:churn = [System.Diagnostics.Process]::Start($psi)
        $mismatches = [System.Collections.Generic.List[string]]::new()
        do {
            $scans++
            $scanErrors = $null
            try {
                $rows = @(Get-SocketStat -AllNetworkNamespaces -Protocol Tcp, Udp -IncludeProcess -ErrorVariable scanErrors -ErrorAction SilentlyContinue)
            }
            catch {
                $caught.Add($_)
                continue
            }
            finally {
                $errors.AddRange(@($scanErrors | Where-Object { $_ }))
            }
            $kept = @(Select-InSpace $rows $script:keeperSpace | ForEach-Object { ConvertTo-SsKey $_ -Users } | Sort-Object)
            if (($kept -join "`n") -ne ($script:keeperRows -join "`n")) { $mismatches.Add("scan $($scans):`n$($kept -join "`n")") }
        } while (-not $script:churn.HasExited -or $scans -lt 3)
        $script:churn.WaitForExit()
        $script:churn.ExitCode | Should -Be 0
        ($caught | ForEach-Object { "$_" }) -join "`n" | Should -BeNullOrEmpty
        ($errors | ForEach-Object { "$_" }) -join "`n" | Should -BeNullOrEmpty
        $scans | Should -BeGreaterThan 2
        $mismatches -join "`n" | Should -BeNullOrEmpty -Because "every scan lists the namespace that stays as ss did: $($script:keeperRows -join '; ')"
        @(& ip netns list | Where-Object { $_ -like "$($script:vtag)-*" }).Count | Should -Be 1
    }

    It 'skips a namespace listed in mountinfo that is gone when opened, and says so in -Verbose' {
        # A bind mount of a namespace (its only holder) hidden under a tmpfs mounted over its
        # directory: /proc/self/mountinfo still lists it as nsfs, but its path no longer opens it.
        $script:shadowDir = Join-Path ([System.IO.Path]::GetTempPath()) "$($script:vtag)-shadow"
        $null = New-Item -ItemType Directory -Path $script:shadowDir
        $file = Join-Path $script:shadowDir 'net'
        $null = New-Item -ItemType File -Path $file
        & unshare "--net=$file" true
        $inode = Get-NetworkNamespaceInode $file
        & mount -t tmpfs "$($script:vtag)-shadow" $script:shadowDir
        $LASTEXITCODE | Should -Be 0
        Test-Path -LiteralPath $file | Should -BeFalse
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape("net:[$inode]") | Should -Not -BeNullOrEmpty

        $scanErrors = $null
        $all = @(Get-SocketStat -AllNetworkNamespaces -Protocol Tcp, Udp -LocalPort 9300 -Verbose -ErrorVariable scanErrors -ErrorAction SilentlyContinue 4>&1)
        $rows = @($all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
        $verbose = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        ($scanErrors | ForEach-Object { "$_" }) -join "`n" | Should -BeNullOrEmpty
        @(Select-InSpace $rows $script:keeperSpace).Count | Should -Be @($script:keeperRows -match '^\S+ \S+ 127\.0\.0\.1:9300 ').Count
        ($verbose -join "`n") | Should -Match ('(' + [regex]::Escape("net:[$inode]") + '|' + [regex]::Escape($file) + ')')
    }
}
