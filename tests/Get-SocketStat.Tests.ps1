#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them; ./build.ps1 -Task Test
# runs them as root. Every socket lives in a namespace this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
    # Argument checks come before the namespace is entered: a check that let an argument through
    # would meet this missing namespace (ObjectNotFound), never a real one.
    $script:missingNs = 'stt-no-such-namespace'
}

Describe 'Get-SocketStat on three TIME-WAIT sockets' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $null
        $script:ns = New-TestNamespace
        # Three TIME-WAIT sockets about a second apart, so their timers differ.
        Invoke-InNamespace $script:ns python3 -c @'
import socket, time
server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", 7100))
server.listen(8)
for i in range(3):
    client = socket.socket()
    client.connect(("127.0.0.1", 7100))
    accepted, _ = server.accept()
    client.close()
    time.sleep(0.05)
    accepted.close()
    time.sleep(1.1)
'@
        if ($LASTEXITCODE -ne 0) { throw "The TIME-WAIT script failed (exit $LASTEXITCODE)." }
    }

    AfterAll {
        Remove-TestNamespace $script:ns
    }

    Context 'Get-SocketStat' {
        It 'returns TIME-WAIT sockets whose Timer is a TimeSpan that sorts in order' {
            $sorted = @(Get-SocketStat -NetworkNamespace $script:ns -State TimeWait | Sort-Object Timer)
            $sorted.Count | Should -Be 3
            foreach ($socket in $sorted) {
                $socket.Timer | Should -BeOfType [TimeSpan]
                $socket.State | Should -Be ([SocketTools.SocketState]::TimeWait)
            }
            for ($i = 1; $i -lt $sorted.Count; $i++) {
                $sorted[$i].Timer | Should -BeGreaterThan $sorted[$i - 1].Timer
            }
        }

        It 'shows the same TIME-WAIT sockets as ss' {
            $ssLines = Invoke-InNamespace $script:ns ss -Htan state time-wait
            $ssLocal = @($ssLines | ForEach-Object { ($_ -split '\s+')[2] } | Sort-Object)
            $ours = @(Get-SocketStat -NetworkNamespace $script:ns -State 'time-wait' |
                    ForEach-Object { [SocketTools.Text.SsText]::Local($_) } | Sort-Object)
            $ours | Should -Be $ssLocal
        }

        It 'prints ss column headers in the default view' {
            $text = Get-SocketStat -NetworkNamespace $script:ns -State TimeWait | Format-Table | Out-String -Width 300
            $text | Should -Match 'Netid\s+State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port'
            $text | Should -Match 'TIME-WAIT'
        }
    }

    Context 'Get-SocketStat -Summary' {
        It 'writes one SocketSummary whose text is what ss -s prints in the same namespace' {
            # TCP's alloc and orphan counters are host-wide: read until ss -s prints the same text twice around ours.
            for ($i = 0; $i -lt 50; $i++) {
                $before = (Invoke-InNamespace $script:ns ss -s) -join "`n"
                $summary = @(Get-SocketStat -Summary -NetworkNamespace $script:ns)
                $after = (Invoke-InNamespace $script:ns ss -s) -join "`n"
                if ($before -eq $after) { break }
            }
            $before | Should -Be $after
            $summary.Count | Should -Be 1
            $summary[0] | Should -BeOfType ([SocketTools.SocketSummary])
            $summary[0].TcpTimeWait | Should -Be 3
            $summary[0].NetworkNamespace | Should -Be $script:ns
            [SocketTools.Text.SummaryText]::Format($summary[0]).TrimEnd("`n") | Should -Be $before.TrimEnd("`n")
        }

        It 'prints the ss -s layout in its default view' {
            $text = Get-SocketStat -Summary -NetworkNamespace $script:ns | Out-String -Width 300
            $text | Should -Match 'Total: \d+'
            $text | Should -Match 'TCP:\s+\d+ \(estab \d+, closed -?\d+, orphaned \d+, timewait 3\)'
            $text | Should -Match 'Transport Total\s+IP\s+IPv6'
            $text | Should -Match 'INET\s+\d+\s+\d+\s+\d+'
        }

        It 'survives serialization with its numbers' {
            $json = Get-SocketStat -Summary -NetworkNamespace $script:ns | ConvertTo-Json | ConvertFrom-Json
            $json.TcpTimeWait | Should -Be 3
            $json.InetTotal | Should -Be ($json.InetIPv4 + $json.InetIPv6)
        }
    }

    Context 'Get-SocketStat -Source' {
        It 'reads the same TIME-WAIT sockets from /proc/net as from netlink' {
            $netlink = @(Get-SocketStat -NetworkNamespace $script:ns -State TimeWait -Source Netlink | ForEach-Object { [SocketTools.Text.SsText]::Local($_) } | Sort-Object)
            $proc = @(Get-SocketStat -NetworkNamespace $script:ns -State TimeWait -Source Proc)
            $proc.Count | Should -Be 3
            @($proc | ForEach-Object { [SocketTools.Text.SsText]::Local($_) } | Sort-Object) | Should -Be $netlink
            # /proc/net carries no socket cookie.
            $proc | ForEach-Object { $_.Cookie | Should -Be 0 }
        }
    }
}

Describe 'Get-SocketStat parameter validation' {
    It 'rejects an unknown state with an InvalidArgument error and no output' {
        $output = $null
        $caught = $null
        try {
            $output = Get-SocketStat -State Bogus
        }
        catch {
            $caught = $_
        }
        $output | Should -BeNullOrEmpty
        $caught | Should -Not -BeNullOrEmpty
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught.FullyQualifiedErrorId | Should -BeLike 'UnknownSocketState*'
    }

    It 'rejects a port outside 0-65535' {
        { Get-SocketStat -LocalPort 70000 } | Should -Throw -ErrorId 'PortOutOfRange,SocketTools.Commands.GetSocketStatCommand'
    }

    It 'rejects <Name> with <ErrorId> (InvalidArgument) and writes nothing' -ForEach @(
        @{ Name = 'an unknown state'; Params = @{ State = 'Bogus' }; ErrorId = 'UnknownSocketState' }
        @{ Name = 'a blank state'; Params = @{ State = 'Listen', ' ' }; ErrorId = 'UnknownSocketState' }
        @{ Name = 'port 65536'; Params = @{ LocalPort = '65536' }; ErrorId = 'PortOutOfRange' }
        @{ Name = 'a negative port'; Params = @{ RemotePort = '-1' }; ErrorId = 'PortOutOfRange' }
        @{ Name = 'a port too large for an integer'; Params = @{ LocalPort = '99999999999' }; ErrorId = 'PortOutOfRange' }
        @{ Name = 'an inverted port range'; Params = @{ LocalPort = '8100-8000' }; ErrorId = 'PortOutOfRange' }
        @{ Name = 'an unknown service name'; Params = @{ LocalPort = 'no-such-service-stt' }; ErrorId = 'UnknownPort' }
        @{ Name = 'a prefix length of 33'; Params = @{ LocalAddress = '10.0.0.0/33' }; ErrorId = 'InvalidAddressPrefix' }
        @{ Name = 'a negative prefix length'; Params = @{ RemoteAddress = '10.0.0.0/-1' }; ErrorId = 'InvalidAddressPrefix' }
        @{ Name = 'an IPv6 prefix length of 129'; Params = @{ LocalAddress = '::/129' }; ErrorId = 'InvalidAddressPrefix' }
        @{ Name = 'a garbage address'; Params = @{ RemoteAddress = 'garbage' }; ErrorId = 'InvalidAddressPrefix' }
        @{ Name = 'a blank filter'; Params = @{ Filter = '   ' }; ErrorId = 'EmptyFilter' }
        @{ Name = 'a blank process name'; Params = @{ ProcessName = ' ' }; ErrorId = 'EmptyProcessName' }
        @{ Name = 'a blank interface'; Params = @{ Interface = ' ' }; ErrorId = 'EmptyInterface' }
    ) {
        $output = $null
        $caught = $null
        try {
            $output = @(Get-SocketStat @Params -NetworkNamespace $script:missingNs)
        }
        catch {
            $caught = $_
        }
        $output | Should -BeNullOrEmpty
        $caught | Should -Not -BeNullOrEmpty
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught.FullyQualifiedErrorId | Should -Be "$ErrorId,SocketTools.Commands.GetSocketStatCommand"
        $caught.Exception | Should -BeOfType ([SocketTools.SocketToolsException])
    }

    It 'rejects an empty <Name> at parameter binding (InvalidData) and writes nothing' -ForEach @(
        @{ Name = 'state'; Params = @{ State = '' } }
        @{ Name = 'filter'; Params = @{ Filter = '' } }
        @{ Name = 'port list'; Params = @{ LocalPort = @() } }
        @{ Name = 'address'; Params = @{ LocalAddress = $null } }
        @{ Name = 'namespace'; Params = @{ NetworkNamespace = '' } }
    ) {
        $output = $null
        $caught = $null
        try {
            $output = @(Get-SocketStat @Params)
        }
        catch {
            $caught = $_
        }
        $output | Should -BeNullOrEmpty
        $caught | Should -Not -BeNullOrEmpty
        $caught.Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidData)
        $caught.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError*,SocketTools.Commands.GetSocketStatCommand'
    }

    It 'reports a missing namespace as ObjectNotFound' {
        $caught = $null
        try { Get-SocketStat -NetworkNamespace 'stt-no-such-namespace' -ErrorAction Stop } catch { $caught = $_ }
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $caught.TargetObject | Should -Be 'stt-no-such-namespace'
    }

    It 'cannot be combined with socket filters' {
        { Get-SocketStat -Summary -State Listen } | Should -Throw -ErrorId 'AmbiguousParameterSet,SocketTools.Commands.GetSocketStatCommand'
    }

    It 'ends with a terminating InvalidArgument error naming the column on a syntax error' {
        $output = $null
        $caught = $null
        try {
            $output = Get-SocketStat -NetworkNamespace $script:missingNs -Filter 'sport = :22 )' -ErrorAction SilentlyContinue
        }
        catch {
            $caught = $_
        }
        $output | Should -BeNullOrEmpty
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'FilterSyntaxError*'
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught.Exception.Column | Should -Be 13
        $caught.Exception.Message | Should -Match 'column 13: expected '
    }
}

Describe 'Get-SocketStat completion' {
    It 'completes -State with names, ss spellings and groups' {
        $line = 'Get-SocketStat -State Syn'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'Synchronized'
        $completions | Should -Contain 'SynSent'
        $completions | Should -Contain "'syn-recv'"
        $line = 'Get-SocketStat -State time'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain "'time-wait'"
    }
}

Describe 'Get-SocketStat selection: -State groups, -Listening, -Filter' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:fns = $script:holder = $null
        $script:fns = New-TestNamespace -Prefix 'stt-pester-f'
        # A listener, an established pair, a TIME-WAIT socket and two UDP sockets, held open
        # until this block's AfterAll closes the holder's stdin.
        $script:holder = Start-NamespacePython -Namespace $script:fns -Code @'
import socket, sys, time
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 7200))
listener.listen(8)
client = socket.create_connection(("127.0.0.1", 7200))
accepted, _ = listener.accept()
closer = socket.create_connection(("127.0.0.1", 7200))
closed, _ = listener.accept()
closer.close()
time.sleep(0.05)
closed.close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 7201))
connected = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
connected.connect(("127.0.0.1", 7201))
time.sleep(0.1)
print("ready", flush=True)
sys.stdin.read()
'@

        # "Local Peer" of each socket line: the last two fields (no -p, so no process column).
        function SsEndpoints([string[]] $SsArgs) {
            @(Invoke-InNamespace $script:fns ss -H @SsArgs | Where-Object { $_.Trim() } | ForEach-Object {
                    $f = $_.Trim() -split '\s+'
                    '{0} {1}' -f $f[-2], $f[-1]
                } | Sort-Object)
        }
        function OurEndpoints($Sockets) {
            @($Sockets | ForEach-Object { '{0} {1}' -f [SocketTools.Text.SsText]::Local($_), [SocketTools.Text.SsText]::Peer($_) } | Sort-Object)
        }
    }

    AfterAll {
        try { Stop-NamespaceProcess $script:holder } finally { Remove-TestNamespace $script:fns }
    }

    It 'selects with -Filter <Expression> what ss selects' -ForEach @(
        @{ Expression = 'sport = :7200' }
        @{ Expression = 'dport = :7200 or sport = :7201' }
        @{ Expression = '( sport eq 7200 || dport == 7200 ) and not dst 127.0.0.1:7200' }
        @{ Expression = 'state listening' }
        @{ Expression = 'exclude listening src 127.0.0.0/8' }
        @{ Expression = 'state time-wait' }
    ) {
        $expected = SsEndpoints (@('-tuan') + ($Expression -split ' '))
        $ours = OurEndpoints (Get-SocketStat -NetworkNamespace $script:fns -Filter $Expression)
        $expected.Count | Should -BeGreaterThan 0
        $ours | Should -Be $expected
    }

    It 'selects with -State <State> what ss selects with state <SsState>' -ForEach @(
        @{ State = 'Connected'; SsState = 'connected' }
        @{ State = 'Synchronized'; SsState = 'synchronized' }
        @{ State = 'Bucket'; SsState = 'bucket' }
        @{ State = 'Big'; SsState = 'big' }
        @{ State = 'established'; SsState = 'established' }
    ) {
        $expected = SsEndpoints @('-tan', 'state', $SsState)
        $ours = OurEndpoints (Get-SocketStat -NetworkNamespace $script:fns -Protocol Tcp -State $State)
        $expected.Count | Should -BeGreaterThan 0
        $ours | Should -Be $expected
    }

    It 'lists with -Listening what ss -l lists, UNCONN UDP sockets included' {
        $expected = SsEndpoints @('-tuln')
        $sockets = @(Get-SocketStat -NetworkNamespace $script:fns -Listening)
        OurEndpoints $sockets | Should -Be $expected
        $sockets.State | Should -Contain ([SocketTools.SocketState]::Closed)
        $sockets.State | Should -Not -Contain ([SocketTools.SocketState]::Established)
    }

    It 'lets -State win over -All, as a state clause wins over ss -a' {
        $expected = SsEndpoints @('-tuan', 'state', 'bucket')
        OurEndpoints (Get-SocketStat -NetworkNamespace $script:fns -All -State Bucket) | Should -Be $expected
    }
}

Describe 'Get-SocketStat -Protocol for Unix, packet and netlink sockets' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:fns = $script:dir = $script:holder = $null
        $script:fns = New-TestNamespace -Prefix 'stt-pester-fam'
        $script:dir = Join-Path ([System.IO.Path]::GetTempPath()) $script:fns
        $null = New-Item -ItemType Directory -Path $script:dir
        $script:holder = Start-NamespacePython -Namespace $script:fns -ArgumentList $script:dir -Code @'
import socket, sys
d = sys.argv[1]
keep = []
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); l.bind(d + "/app.sock"); l.listen(3); keep.append(l)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(d + "/app.sock"); keep.append(c)
a, _ = l.accept(); keep.append(a); c.send(b"12345")
g = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); g.bind("\0stt-pester"); keep.append(g)
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3)); keep.append(p)
print("ready", flush=True)
sys.stdin.read()
'@
        $script:holder.FirstLine | Should -Be 'ready'
    }

    AfterAll {
        try {
            Stop-NamespaceProcess $script:holder
        }
        finally {
            Remove-TestNamespace $script:fns
            if ($script:dir) { Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction Ignore }
        }
    }

    It 'lists the same Unix sockets as ss -x, with paths, abstract names and inodes' {
        $ours = @(Get-SocketStat -Protocol Unix -NetworkNamespace $script:fns)
        $ssLines = @(Invoke-InNamespace $script:fns ss -Hxan)
        $ours.Count | Should -Be $ssLines.Count
        $abstract = @($ours | Where-Object Path -EQ '@stt-pester')
        $abstract.Count | Should -Be 1
        $abstract[0].Type | Should -Be ([SocketTools.SocketKind]::Datagram)
        $listener = @($ours | Where-Object State -EQ ([SocketTools.SocketState]::Listen))
        $listener.Count | Should -Be 1
        $listener[0].Path | Should -Be (Join-Path $script:dir 'app.sock')
        $reader = @($ours | Where-Object RecvQ -EQ 5)
        $reader.Count | Should -Be 1
        $reader[0].PeerInode | Should -BeGreaterThan 0
        $ssLocal = @($ssLines | ForEach-Object { $f = $_ -split '\s+'; "$($f[4]) $($f[5])" } | Sort-Object)
        @($ours | ForEach-Object { [SocketTools.Text.SsText]::Local($_) } | Sort-Object) | Should -Be $ssLocal
    }

    It 'shows ss cells for Unix sockets in the default view' {
        $text = Get-SocketStat -Protocol Unix -NetworkNamespace $script:fns | Format-Table | Out-String -Width 200
        $text | Should -Match 'u_str\s+LISTEN'
        $text | Should -Match '@stt-pester \d+'
    }

    It 'has a unix view with inode, peer, shutdown mark and path' {
        $text = Get-SocketStat -Protocol Unix -NetworkNamespace $script:fns | Format-Table -View unix | Out-String -Width 200
        $text | Should -Match 'Netid\s+State\s+Recv-Q\s+Send-Q\s+Inode\s+Peer\s+Shut\s+Path'
        $text | Should -Match '<->\s+@stt-pester'
    }

    It 'lists packet sockets and, with -Protocol All, every family' {
        $packet = @(Get-SocketStat -Protocol Packet -NetworkNamespace $script:fns)
        $packet.Count | Should -Be 1
        $packet[0].EtherType | Should -Be 3
        $all = @(Get-SocketStat -Protocol All -NetworkNamespace $script:fns)
        ($all.Protocol | Sort-Object -Unique) | Should -Contain ([SocketTools.SocketProtocol]::Netlink)
        ($all.Protocol | Sort-Object -Unique) | Should -Contain ([SocketTools.SocketProtocol]::Unix)
    }

    It 'fills Memory with -Memory' {
        $s = Get-SocketStat -Protocol Unix -Memory -NetworkNamespace $script:fns | Select-Object -First 1
        $s.Memory | Should -BeOfType [SocketTools.SocketMemory]
        $s.Memory.RcvBuf | Should -BeGreaterThan 0
    }
}

Describe 'Get-SocketStat as a user of ss and netstat types it' {
    BeforeAll {
        $script:uns = 'stt-pester-u-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        & ip netns add $script:uns
        & ip -n $script:uns link set lo up

        # sshd's port: a listener on 22, an established pair and a TIME-WAIT socket, held open until
        # this block's AfterAll closes the holder's stdin.
        $holder = @'
import os, socket, sys, time
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 22))
listener.listen(8)
client = socket.create_connection(("127.0.0.1", 22))
accepted, _ = listener.accept()
closer = socket.create_connection(("127.0.0.1", 22))
closed, _ = listener.accept()
closer.close()
time.sleep(0.05)
closed.close()
time.sleep(0.1)
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
        foreach ($a in @('netns', 'exec', $script:uns, 'python3', '-c', $holder)) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $script:uholder = [System.Diagnostics.Process]::Start($psi)
        $script:uholderPid = [int]$script:uholder.StandardOutput.ReadLine()

        function SsLocalPeer([string[]] $SsArgs) {
            @(& ip netns exec $script:uns ss -Htan @SsArgs | Where-Object { $_.Trim() } | ForEach-Object {
                    $f = $_.Trim() -split '\s+'
                    '{0} {1}' -f $f[-2], $f[-1]
                } | Sort-Object)
        }
        function OurLocalPeer($Sockets) {
            @($Sockets | Where-Object { $_ } | ForEach-Object { '{0} {1}' -f [SocketTools.Text.SsText]::Local($_), [SocketTools.Text.SsText]::Peer($_) } | Sort-Object)
        }
        $script:missing = 'stt-no-such-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    }

    AfterAll {
        $script:uholder.StandardInput.Close()
        $null = $script:uholder.WaitForExit(5000)
        & ip netns del $script:uns
    }

    It 'takes -<Parameter> <Value> as ss takes <SsFilter>' -ForEach @(
        @{ Parameter = 'LocalPort'; Value = ':22'; SsFilter = 'sport = :22' }
        @{ Parameter = 'LocalPort'; Value = ':ssh'; SsFilter = 'sport = :ssh' }
        @{ Parameter = 'RemotePort'; Value = ':22'; SsFilter = 'dport = :22' }
        @{ Parameter = 'RemotePort'; Value = 'ssh'; SsFilter = 'dport = :ssh' }
    ) {
        $params = @{ $Parameter = $Value }
        $ours = OurLocalPeer (Get-SocketStat -Protocol Tcp -NetworkNamespace $script:uns @params)
        $ours.Count | Should -BeGreaterThan 0
        ($ours -join ' | ') | Should -Be ((SsLocalPeer @($SsFilter)) -join ' | ')
    }

    It 'takes netstat''s state spelling -State <State>: what ss selects with state <SsState>' -ForEach @(
        @{ State = 'TIME_WAIT'; SsState = 'time-wait' }
        @{ State = 'ESTABLISHED'; SsState = 'established' }
        @{ State = 'LISTEN'; SsState = 'listening' }
        @{ State = 'LISTENING'; SsState = 'listening' }
        @{ State = 'SYN_RECV'; SsState = 'syn-recv' }
    ) {
        $ours = OurLocalPeer (Get-SocketStat -Protocol Tcp -State $State -NetworkNamespace $script:uns)
        ($ours -join ' | ') | Should -Be ((SsLocalPeer @('state', $SsState)) -join ' | ')
    }

    It 'answers Get-SocketProcess -Id 0 and Get-SocketStat -ProcessId 0 alike: a non-terminating ProcessNotFound' {
        $statErrors = $null
        $processErrors = $null
        $stat = @(Get-SocketStat -ProcessId 0 -NetworkNamespace $script:uns -ErrorVariable statErrors -ErrorAction SilentlyContinue)
        $process = @(Get-SocketProcess -Id 0 -NetworkNamespace $script:uns -ErrorVariable processErrors -ErrorAction SilentlyContinue)
        $stat.Count | Should -Be 0
        $process.Count | Should -Be 0
        foreach ($e in @($statErrors[0], $processErrors[0])) {
            $e.FullyQualifiedErrorId | Should -BeLike 'ProcessNotFound,*'
            $e.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $e.TargetObject | Should -Be 0
        }
        "$($statErrors[0])" | Should -Be "$($processErrors[0])"
    }

    It 'lists the sockets of the other ids when one names no process, in both cmdlets' {
        $errors = $null
        $sockets = @(Get-SocketStat -ProcessId 0, $script:uholderPid -NetworkNamespace $script:uns -ErrorVariable errors -ErrorAction SilentlyContinue)
        $errors.Count | Should -Be 1
        # The listener, the client and the accepted side, as ss -p shows them.
        $sockets.Count | Should -Be @(& ip netns exec $script:uns ss -Htanp | Where-Object { $_ -match "pid=$($script:uholderPid)," }).Count
        $sockets.Count | Should -Be 3
    }

    It '<Command> -NetworkNamespace <missing> -ErrorAction Ignore writes nothing and throws nothing' -ForEach @(
        @{ Command = 'Get-SocketStat'; Params = @{} }
        @{ Command = 'Get-SocketStat'; Params = @{ Summary = $true } }
        @{ Command = 'Get-ListeningPort'; Params = @{} }
        @{ Command = 'Get-SocketProcess'; Params = @{} }
        @{ Command = 'Watch-TcpTimer'; Params = @{ Count = 1 } }
    ) {
        $output = @(& $Command -NetworkNamespace $script:missing -ErrorAction Ignore @Params)
        $output.Count | Should -Be 0
        $errors = $null
        $null = & $Command -NetworkNamespace $script:missing -ErrorVariable errors -ErrorAction SilentlyContinue @Params
        # As Get-Item reports a missing path: one non-terminating ObjectNotFound about the name.
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'NetworkNamespaceNotFound,*'
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $errors[0].TargetObject | Should -Be $script:missing
        { & $Command -NetworkNamespace $script:missing -ErrorAction Stop @Params } | Should -Throw -ErrorId "NetworkNamespaceNotFound,*"
    }

    It 'never resolves -NetworkNamespace <Name> outside /run/netns' -ForEach @(
        @{ Name = '../../etc' }, @{ Name = '..' }, @{ Name = 'netns/../../etc' }
    ) {
        $caught = $null
        try { Get-SocketStat -NetworkNamespace $Name } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'InvalidNetworkNamespace,SocketTools.Commands.GetSocketStatCommand'
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught.TargetObject | Should -Be $Name
    }

    It 'says a file that is no namespace is not one: <Path>' -ForEach @(@{ Path = '/etc' }, @{ Path = '/etc/hostname' }) {
        { Get-SocketStat -NetworkNamespace $Path } | Should -Throw -ErrorId 'NotANetworkNamespace,SocketTools.Commands.GetSocketStatCommand'
    }

    It 'takes an absolute path to a namespace file' {
        @(Get-SocketStat -NetworkNamespace "/run/netns/$($script:uns)" -State Listen).Count | Should -Be 1
    }

    It 'fails as ss fails ("Cannot parse device") for <How>: InvalidArgument naming the device' -ForEach @(
        @{ How = '-Interface nosuchdev'; Params = @{ Interface = 'nosuchdev' } }
        @{ How = "-Filter 'dev nosuchdev'"; Params = @{ Filter = 'dev nosuchdev' } }
    ) {
        $ss = & ip netns exec $script:uns ss -tan dev nosuchdev 2>&1
        "$ss" | Should -Match 'Cannot parse device'
        $caught = $null
        $output = $null
        try { $output = @(Get-SocketStat -NetworkNamespace $script:uns @Params) } catch { $caught = $_ }
        $output | Should -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'UnknownInterface,SocketTools.Commands.GetSocketStatCommand'
        $caught.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $caught.TargetObject | Should -Be 'nosuchdev'
    }

    It 'warns once that -Source Proc has no tcp_info for -Info' {
        $warnings = $null
        $sockets = @(Get-SocketStat -NetworkNamespace $script:uns -Source Proc -Info -WarningVariable warnings -WarningAction SilentlyContinue)
        $sockets.Count | Should -BeGreaterThan 1
        @($warnings | Where-Object { "$_" -match 'tcp_info' }).Count | Should -Be 1
        $sockets | ForEach-Object { $_.Tcp | Should -BeNullOrEmpty }
    }

    It 'says with -Verbose which source answered, what the kernel filtered and what the owner scan found' {
        $verbose = @(Get-SocketStat -NetworkNamespace $script:uns -LocalPort 22 -IncludeProcess -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $verbose | Should -Contain "Source: netlink sock_diag in network namespace '$($script:uns)'."
        @($verbose -match '^Kernel filter: the states and \d+ bytes of inet_diag bytecode').Count | Should -Be 1
        @($verbose -match '^Owner scan of /proc: \d+ process\(es\) read, \d+ fd\(s\) listed, \d+ denied, \d+ vanished; 2 of 2 socket\(s\) have an owner\.$').Count | Should -Be 1
        $procVerbose = @(Get-SocketStat -NetworkNamespace $script:uns -Source Proc -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        @($procVerbose -match '^Source: /proc/net').Count | Should -Be 1
    }

    It 'completes -NetworkNamespace with the names ip netns list shows, in <Command>' -ForEach @(
        @{ Command = 'Get-SocketStat' }, @{ Command = 'Get-ListeningPort' }, @{ Command = 'Get-SocketProcess' }, @{ Command = 'Watch-TcpTimer' }
    ) {
        $line = "$Command -NetworkNamespace stt-pester-u-"
        $offered = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText)
        $listed = @(& ip netns list | ForEach-Object { ($_ -split '\s+')[0] } | Where-Object { $_ -like 'stt-pester-u-*' } | Sort-Object)
        $offered | Should -Contain $script:uns
        @($offered | Sort-Object) | Should -Be $listed
    }
}
