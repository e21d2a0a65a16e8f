#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The views' text at 80, 120 and 250 columns against ss, netstat and lsof run in the same namespace:
# cells never cut, each view's own column present at 80, netstat -x cell for cell.
#
# A format view lays out its rows for the host's width ($Host.UI.RawUI.BufferSize.Width, what
# Out-Default writes to), so each width is a child pwsh in a terminal of that width (script(1) makes
# the pty), and one more child has its output redirected to a file, which PowerShell formats at 80.
# Run as root (ip netns): ./build.ps1 -Task Test. Every socket lives in the two namespaces this file
# creates and deletes, joined by a veth pair made inside them.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:HasScript = [bool](Get-Command script -CommandType Application -ErrorAction Ignore)
    $script:Layouts = @(
        @{ Name = '80 columns'; Width = 80; Terminal = $true }
        @{ Name = '120 columns'; Width = 120; Terminal = $true }
        @{ Name = '250 columns'; Width = 250; Terminal = $true }
        @{ Name = 'output redirected to a file'; Width = 80; Terminal = $false }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force

    # Every SocketInfo table view, by name; the default one is compared as 'default'.
    $script:SocketViews = @('ss', 'process', 'timer', 'extended', 'netstat', 'unix')
    # The views whose rows are ss's Local and Peer cells.
    $script:SsViews = @('default', 'ss', 'process', 'timer', 'extended')

    function Get-Flat([string] $Text) {
        <# The text with every run of white space, line breaks included, made one space. #>
        ' ' + ($Text -replace '\s+', ' ').Trim() + ' '
    }

    function Get-Unwrapped([string] $Text, [int] $Width) {
        <# The text with PowerShell's wraps at the end of a full line undone. #>
        $Text -replace "(?m)^(.{$Width})\n", '$1'
    }

    function Test-Whole([string] $Text, [string] $Cell, [int] $Width) {
        <#
            True when Cell is in Text unbroken on one line; a cell longer than the line is wrapped at
            the line's end by PowerShell (as a terminal wraps ss's line), so it must be whole once
            those wraps are undone.
        #>
        if ($Cell.Length -le $Width) {
            return [bool]@($Text -split "`n" | Where-Object { $_.Contains($Cell) }).Count
        }
        (Get-Unwrapped $Text $Width).Contains($Cell)
    }

    function Test-Row([string] $Text, [int] $Width, [string] $Row) {
        <#
            True when the cells of Row (separated by spaces) follow each other in Text: on one line or
            on the continuation lines of a row, a cell longer than the line wrapped at its end.
        #>
        (Get-Flat $Text).Contains(" $Row ") -or (Get-Flat (Get-Unwrapped $Text $Width)).Contains(" $Row ")
    }

    function Test-RowMatch([string] $Text, [int] $Width, [string] $Pattern) {
        <# Test-Row with a regular expression. #>
        (Get-Flat $Text) -match $Pattern -or (Get-Flat (Get-Unwrapped $Text $Width)) -match $Pattern
    }

    function Get-Cells($Tokens, [int] $From, [int] $Count) { @($Tokens | Select-Object -Skip $From -First $Count) -join ' ' }

    function Get-Tokens([string] $Line) { @($Line.Trim() -split '\s+' | Where-Object { $_ }) }
}

Describe 'The views at <Name>' -ForEach $script:Layouts -Skip:(-not $LiveTier -or -not $script:HasScript) {
    BeforeAll {
        $script:holder = $script:listener = $script:dir = $script:nsA = $script:nsB = $null
        $script:nsA = New-TestNamespace -Prefix 'stt-views'
        $script:nsB = New-TestNamespace -Prefix 'stt-views'
        foreach ($ns in $script:nsA, $script:nsB) {
            # No duplicate address detection, so the link-local addresses are usable at once.
            & ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
        }
        & ip -n $script:nsA link add veth0 type veth peer name veth1 netns $script:nsB
        & ip -n $script:nsA link set veth0 up
        & ip -n $script:nsB link set veth1 up
        $deadline = (Get-Date).AddSeconds(10)
        do {
            $a = "$(& ip -n $script:nsA -6 -o addr show dev veth0 scope link)"
            $b = "$(& ip -n $script:nsB -6 -o addr show dev veth1 scope link)"
            $ready = $a -match 'fe80::' -and $b -match 'fe80::' -and "$a $b" -notmatch 'tentative'
            if (-not $ready) { Start-Sleep -Milliseconds 100 }
        } until ($ready -or (Get-Date) -gt $deadline)
        $script:peerLinkLocal = [regex]::Match($b, 'fe80::[0-9a-f:]+').Value
        $script:peerLinkLocal | Should -Match '^fe80::'

        $script:listener = Start-NamespacePython -Namespace $script:nsB -Code @'
import os, socket, sys, threading
l = socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("::", 7000)); l.listen(8)
held = []
threading.Thread(target=lambda: [held.append(l.accept()) for _ in iter(int, 1)], daemon=True).start()
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        # A unix socket path of 100 characters (sun_path holds 107).
        $script:dir = Join-Path '/tmp' ('stt-views-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $script:longPath = "$($script:dir)/$('d' * 40)/$('s' * 30).sock"
        New-Item -ItemType Directory -Path (Split-Path $script:longPath) -Force | Out-Null
        $script:holder = Start-NamespacePython -Namespace $script:nsA -ArgumentList $script:peerLinkLocal, $script:longPath -Code @'
import os, socket, sys, time
peer_ll, path = sys.argv[1], sys.argv[2]
held = []
l = socket.socket(socket.AF_INET6); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); l.bind(("::", 443)); l.listen(8)      # *:443
c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1); c.connect(("127.0.0.1", 443))
a, _ = l.accept()                                                                                 # [::ffff:127.0.0.1]:443
t = socket.socket(); t.connect(("127.0.0.1", 443)); ta, _ = l.accept(); t.close(); time.sleep(0.05); ta.close()   # TIME-WAIT
ll = socket.socket(socket.AF_INET6); ll.connect((peer_ll, 7000, 0, socket.if_nametoindex("veth0")))                # link-local
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); u6.bind(("::", 5353))
u = socket.socket(socket.AF_UNIX); u.bind(path); u.listen(4)
uc = socket.socket(socket.AF_UNIX); uc.connect(path); ua, _ = u.accept()
ab = socket.socket(socket.AF_UNIX); ab.bind("\0stt-views-abstract-" + "x" * 40); ab.listen(1)
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind("\0stt-views-dgram")
sp = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
held += [l, c, a, ll, u6, u, uc, ua, ab, dg, sp]
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        $deadline = (Get-Date).AddSeconds(10)
        while (-not (& ip netns exec $script:nsA ss -Htan state time-wait) -and (Get-Date) -lt $deadline) { Start-Sleep -Milliseconds 100 }

        # The child formats every view at the width its host has and writes the text as JSON.
        $script:child = Join-Path $TestDrive 'views.ps1'
        Set-Content -LiteralPath $script:child -Value @'
param([string] $ModulePath, [string] $Namespace, [string] $OutFile)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
$PSStyle.OutputRendering = 'PlainText'
$width = $Host.UI.RawUI.BufferSize.Width
function Copy-Deserialized { process { [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_)) } }
$sockets = @(Get-SocketStat -NetworkNamespace $Namespace -Protocol Tcp, Udp, Unix -IncludeProcess)
$listening = @(Get-ListeningPort -NetworkNamespace $Namespace)
$processes = @(Get-SocketProcess -NetworkNamespace $Namespace)
$samples = @(Watch-TcpTimer -NetworkNamespace $Namespace -Count 1)
$text = [ordered]@{ width = $width; default = $sockets | Out-String -Width $width }
$deserialized = [ordered]@{ default = $sockets | Copy-Deserialized | Out-String -Width $width }
foreach ($view in 'ss', 'process', 'timer', 'extended', 'netstat', 'unix') {
    $text[$view] = $sockets | Format-Table -View $view | Out-String -Width $width
    $deserialized[$view] = $sockets | Copy-Deserialized | Format-Table -View $view | Out-String -Width $width
}
foreach ($pair in @{ listening = $listening; lsof = $processes; sample = $samples }.GetEnumerator()) {
    $text[$pair.Key] = $pair.Value | Out-String -Width $width
    $deserialized[$pair.Key] = $pair.Value | Copy-Deserialized | Out-String -Width $width
}
$text.deserialized = $deserialized
$text | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $OutFile
# What a redirected `pwsh -c '...' > log` gets: Out-Default at the host's width.
$sockets | Format-Table -View process
'@
        $out = Join-Path $TestDrive 'views.json'
        $pwsh = Join-Path $PSHOME 'pwsh'
        $arguments = @('-NoProfile', '-NonInteractive', '-File', $script:child, $ModulePath, $script:nsA, $out)
        if ($Terminal) {
            $command = "stty cols $Width rows 200; '$pwsh' " + (($arguments | ForEach-Object { "'$_'" }) -join ' ')
            $null = & script -q -e -c $command /dev/null
            $script:redirected = $null
        }
        else {
            $script:redirected = (& $pwsh @arguments) -join "`n"
        }
        $LASTEXITCODE | Should -Be 0
        $script:views = Get-Content -LiteralPath $out -Raw | ConvertFrom-Json -AsHashtable
        $script:views.width | Should -Be $Width -Because 'the child formats at the width of its terminal'

        # The reference tools, in namespace A.
        $script:ssInet = @(& ip netns exec $script:nsA ss -Htuanp | ForEach-Object { , (Get-Tokens $_) })
        $script:ssUnix = @(& ip netns exec $script:nsA ss -Hxanp | ForEach-Object { , (Get-Tokens $_) })
        $script:ssTimers = @(& ip netns exec $script:nsA ss -Htano | ForEach-Object { , (Get-Tokens $_) })
        $script:ssExtended = @(& ip netns exec $script:nsA ss -Htuane | ForEach-Object { , (Get-Tokens $_) })
    }

    AfterAll {
        Stop-NamespaceProcess $script:holder
        Stop-NamespaceProcess $script:listener
        Remove-TestNamespace $script:nsA
        Remove-TestNamespace $script:nsB
        if ($script:dir) { Remove-Item -LiteralPath $script:dir -Recurse -Force -ErrorAction Ignore }
    }

    It 'prints every address, port and path cell of ss whole, for live and deserialized objects' {
        # ss -tuan: Netid State Recv-Q Send-Q Local Peer; ss -xan: ... Path Inode * PeerInode.
        $cells = @($script:ssInet | ForEach-Object { $_[4]; $_[5] }) + @($script:ssUnix | ForEach-Object { "$($_[4]) $($_[5])"; "$($_[6]) $($_[7])" })
        $cells | Should -Contain '*:443'
        $cells | Should -Contain '[::ffff:127.0.0.1]:443'
        $cells | Should -Contain '[::]:5353'
        $cells | Should -Contain "[$($script:peerLinkLocal)]:7000"
        @($cells | Where-Object { $_ -like '`[fe80::*`]%veth0:*' }).Count | Should -Be 1
        @($cells | Where-Object { $_ -like "$($script:longPath) *" }).Count | Should -Be 2
        @($cells | Where-Object { $_ -like '@stt-views-abstract-* *' }).Count | Should -Be 1
        foreach ($view in $script:SsViews) {
            foreach ($cell in $cells) {
                Test-Whole $script:views[$view] $cell $Width | Should -BeTrue -Because "ss's cell '$cell' is whole in the $view view"
            }
            $script:views.deserialized[$view] | Should -BeExactly $script:views[$view]
        }
        foreach ($view in 'unix', 'netstat') {
            Test-Whole $script:views[$view] $script:longPath $Width | Should -BeTrue -Because "the path is whole in the $view view"
            $script:views.deserialized[$view] | Should -BeExactly $script:views[$view]
        }
    }

    It 'keeps the process view''s users:(...) cell: ss -p''s, for every socket' {
        (Get-Flat $script:views.process) | Should -Match 'Peer Address:Port Process '
        foreach ($line in $script:ssInet + $script:ssUnix) {
            # Local Peer users:(...); a TIME-WAIT socket has no owner, so no users:(...) cell.
            $row = if ($line[0] -like 'u_*') { Get-Cells $line 4 5 } else { Get-Cells $line 4 3 }
            if ($line[1] -ne 'TIME-WAIT') { $row | Should -Match ' users:\(\("python3",pid=\d+,fd=\d+\)\)$' }
            Test-Row $script:views.process $Width $row | Should -BeTrue -Because "ss -p printed '$row'"
        }
    }

    It 'keeps the timer view''s timer:(...) cell: ss -o''s timer, for every socket that has one' {
        (Get-Flat $script:views.timer) | Should -Match 'Peer Address:Port Timer '
        # ss -tano (one protocol, so no Netid): State Recv-Q Send-Q Local Peer timer:(...)
        $timed = @($script:ssTimers | Where-Object { (Get-Cells $_ 5 1) -like 'timer:(*' })
        @($timed | Where-Object { $_[5] -like 'timer:(timewait,*' }).Count | Should -Be 1
        @($timed | Where-Object { $_[5] -like 'timer:(keepalive,*' }).Count | Should -Be 1
        foreach ($line in $timed) {
            $name = $line[5] -replace '^timer:\(([a-z]+),.*$', '$1'
            $pattern = [regex]::Escape(" $($line[3]) $($line[4]) timer:($name,") + '[0-9.a-z]*,\d+\) '
            Test-RowMatch $script:views.timer $Width $pattern | Should -BeTrue -Because "ss -o printed '$($line -join ' ')'"
        }
    }

    It 'keeps the extended view''s details: ss -e''s ino and sk, for every socket' {
        (Get-Flat $script:views.extended) | Should -Match 'Peer Address:Port Details '
        foreach ($line in $script:ssExtended) {
            $details = ($line -join ' ') -replace '^.*? (ino:\d+ sk:[0-9a-f]+).*$', '$1'
            $details | Should -Match '^ino:\d+ sk:[0-9a-f]+$'
            $pattern = [regex]::Escape(" $($line[4]) $($line[5]) ") + '(uid:\d+ )?' + [regex]::Escape("$details ")
            Test-RowMatch $script:views.extended $Width $pattern | Should -BeTrue -Because "ss -e printed '$($line -join ' ')'"
        }
    }

    It 'keeps the listening view''s Process cell: ss -lntup''s rows' {
        (Get-Flat $script:views.listening) | Should -Match 'Peer Address:Port Process '
        $rows = @(& ip netns exec $script:nsA ss -Hlntup | ForEach-Object { (Get-Tokens $_) -join ' ' })
        $rows.Count | Should -Be 2
        foreach ($row in $rows) { Test-Row $script:views.listening $Width $row | Should -BeTrue -Because "ss -lntup printed '$row'" }
    }

    It 'keeps the lsof view''s NAME cell: lsof -nP -i''s rows' {
        (Get-Flat $script:views.lsof) | Should -Match 'SIZE/OFF NODE NAME '
        $rows = @(& ip netns exec $script:nsA lsof -nP -a -i -p $script:holder.Id | Select-Object -Skip 1 | ForEach-Object { (Get-Tokens $_) -join ' ' })
        @($rows | Where-Object { $_ -like '*`[fe80::*->`[fe80::*`]:7000 (ESTABLISHED)' }).Count | Should -Be 1
        foreach ($row in $rows) { Test-Row $script:views.lsof $Width $row | Should -BeTrue -Because "lsof printed '$row'" }
    }

    It 'keeps the Watch-TcpTimer view''s Timer and Change cells' {
        $text = $script:views.sample
        (Get-Flat $text) | Should -Match 'Peer Address:Port Timer Change '
        Test-RowMatch $text $Width (' 127\.0\.0\.1:\d+ 127\.0\.0\.1:443 timer:\(keepalive,[0-9.a-z]+,0\) Appeared ') | Should -BeTrue
        Test-RowMatch $text $Width (' TIME-WAIT 0 0 127\.0\.0\.1:\d+ 127\.0\.0\.1:443 timer:\(timewait,\d+sec,0\) Appeared ') | Should -BeTrue
        foreach ($line in $script:ssInet | Where-Object { $_[0] -eq 'tcp' }) {
            Test-Whole $text $line[4] $Width | Should -BeTrue -Because "ss's cell '$($line[4])' is whole"
            Test-Whole $text $line[5] $Width | Should -BeTrue -Because "ss's cell '$($line[5])' is whole"
        }
    }

    It 'prints IP sockets as netstat -tuanpW does, PID/Program name included' {
        (Get-Flat $script:views.netstat) | Should -Match 'Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name '
        $rows = @(& ip netns exec $script:nsA netstat -tuanpW | Where-Object { $_ -match '^(tcp|udp)' } | ForEach-Object { (Get-Tokens $_) -join ' ' })
        $rows.Count | Should -Be 6
        @($rows | Where-Object { $_ -like "*:7000 ESTABLISHED $($script:holder.Id)/python3" }).Count | Should -Be 1
        foreach ($row in $rows) { Test-Row $script:views.netstat $Width $row | Should -BeTrue -Because "netstat -tuanpW printed '$row'" }
    }

    It 'prints Unix sockets as netstat -xanp does, cell for cell but RefCnt, which sock_diag does not report' {
        (Get-Flat $script:views.netstat) | Should -Match 'Proto RefCnt Flags Type State I-Node PID/Program name Path '
        (Get-Flat $script:views.netstat) | Should -Not -Match ' unix .*0\.0\.0\.0'
        $rows = @(& ip netns exec $script:nsA netstat -xanp | Where-Object { $_ -match '^unix ' } | ForEach-Object { , (Get-Tokens $_) })
        $rows.Count | Should -Be 7
        ($rows | ForEach-Object { $_ -join ' ' }) -join "`n" | Should -Match 'STREAM LISTENING'
        ($rows | ForEach-Object { $_ -join ' ' }) -join "`n" | Should -Match 'SEQPACKET CONNECTED'
        foreach ($tokens in $rows) {
            $tokens[1] | Should -Match '^\d+$'
            $row = (@('unix', '-') + $tokens[2..($tokens.Count - 1)]) -join ' '
            Test-Row $script:views.netstat $Width $row | Should -BeTrue -Because "netstat -xanp printed '$($tokens -join ' ')'"
        }
    }

    It 'writes whole cells and the Process column to a redirected Out-Default' -Skip:$Terminal {
        $text = $script:redirected
        (Get-Flat $text) | Should -Match 'Peer Address:Port Process '
        foreach ($line in $script:ssInet) {
            Test-Whole $text $line[4] 80 | Should -BeTrue -Because "ss's cell '$($line[4])' is whole"
            Test-Whole $text $line[5] 80 | Should -BeTrue -Because "ss's cell '$($line[5])' is whole"
            Test-Row $text 80 (Get-Cells $line 4 3) | Should -BeTrue -Because "ss -p printed '$($line -join ' ')'"
        }
    }
}
