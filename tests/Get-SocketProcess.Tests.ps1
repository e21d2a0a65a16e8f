#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Live tests need root and ip netns (tests/common.ps1) and are skipped without them; ./build.ps1 -Task Test
# runs them as root. Every socket and process lives in a namespace this file creates and deletes.

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force

    # Proves which pipeline property binds: Stop-Process -Id is ValueFromPipelineByPropertyName too.
    function Get-BoundId {
        param([Parameter(ValueFromPipelineByPropertyName)] [int[]] $Id)
        process { $Id }
    }
}

Describe 'Get-SocketProcess' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:ns = $script:listener = $script:bystander = $null
        $script:ns = New-TestNamespace
        # The listener the tests look for: port 7400 and a connection to it.
        $script:listener = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys
server = socket.socket()
server.bind(("127.0.0.1", 7400))
server.listen(5)
client = socket.socket()
client.connect(("127.0.0.1", 7400))
accepted, _ = server.accept()
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        # Another process with the same name and a socket of its own: binding by name would hit it too.
        $script:bystander = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys
other = socket.socket()
other.bind(("127.0.0.1", 7401))
other.listen(1)
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        $script:listenerPid = $script:listener.Id
        $script:bystanderPid = $script:bystander.Id
    }

    AfterAll {
        try {
            Stop-NamespaceProcess $script:listener
            Stop-NamespaceProcess $script:bystander
        }
        finally {
            Remove-TestNamespace $script:ns
        }
    }

    It 'finds the owner of a listener piped from Get-ListeningPort' {
        $rows = @(Get-ListeningPort 7400 -NetworkNamespace $script:ns | Get-SocketProcess)
        $rows.Count | Should -Be 1
        $rows[0] | Should -BeOfType ([SocketTools.SocketProcess])
        $rows[0].Id | Should -Be $script:listenerPid
        $rows[0].Command | Should -Be 'python3'
        $rows[0].User | Should -Be 'root'
        $rows[0].CommandLine | Should -Match 'server.bind'
        $rows[0].StartTime | Should -BeOfType ([datetime])
        $rows[0].Socket.LocalPort | Should -Be 7400
        $ss = Invoke-InNamespace $script:ns ss -Hlntp 'sport = :7400'
        $ss | Should -Match ([regex]::Escape("pid=$($script:listenerPid),fd=$($rows[0].Fd))"))
    }

    It 'makes Stop-Process -WhatIf target exactly that pid' {
        $transcript = Join-Path ([System.IO.Path]::GetTempPath()) "stt-whatif-$([guid]::NewGuid().ToString('N')).txt"
        Start-Transcript -Path $transcript | Out-Null
        try {
            Get-ListeningPort 7400 -NetworkNamespace $script:ns | Get-SocketProcess | Stop-Process -WhatIf
        }
        finally {
            Stop-Transcript | Out-Null
        }
        $whatIf = @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
        Remove-Item $transcript
        $whatIf.Count | Should -Be 1
        $whatIf[0] | Should -BeLike "*Stop-Process*($($script:listenerPid))*"
        $whatIf[0] | Should -Not -BeLike "*($($script:bystanderPid))*"
        $script:listener.HasExited | Should -BeFalse
        $script:bystander.HasExited | Should -BeFalse
    }

    It 'binds Id by property name, so a pipeline targets pids and not names' {
        $ids = @(Get-ListeningPort 7400 -NetworkNamespace $script:ns | Get-SocketProcess | Get-BoundId)
        $ids | Should -Be @($script:listenerPid)
    }

    It 'lists the sockets of a process like lsof -p' {
        $rows = @(Get-SocketProcess -Id $script:listenerPid -NetworkNamespace $script:ns)
        # The listener, the client and the accepted side.
        $rows.Count | Should -Be 3
        ($rows.Id | Select-Object -Unique) | Should -Be $script:listenerPid
        $expected = @(Invoke-InNamespace $script:ns ss -Htanp | Where-Object { $_ -match "pid=$($script:listenerPid)," }).Count
        $rows.Count | Should -Be $expected
    }

    It 'reports a pid that does not exist as a non-terminating ObjectNotFound error' {
        $errors = $null
        $rows = @(Get-SocketProcess -Id 2147483646, $script:listenerPid -NetworkNamespace $script:ns -ErrorVariable errors -ErrorAction SilentlyContinue)
        $rows.Count | Should -Be 3
        $errors.Count | Should -Be 1
        $errors[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'ProcessNotFound*'
    }

    It 'selects processes by name with wildcards, case-insensitively' {
        $rows = @(Get-SocketProcess -Name 'PYTHON*' -NetworkNamespace $script:ns)
        ($rows.Id | Sort-Object -Unique) | Should -Be (@($script:listenerPid, $script:bystanderPid) | Sort-Object)
    }

    It 'finds the holders of a local port with -Port' {
        $rows = @(Get-SocketProcess -Port 7401 -NetworkNamespace $script:ns)
        $rows.Count | Should -Be 1
        $rows[0].Id | Should -Be $script:bystanderPid
    }

    It 'prints what lsof -nP -i prints in its default view' {
        # A row that does not fit the host's width continues on indented lines: with the line breaks
        # made spaces, the text is lsof's lines one after the other.
        $text = (Get-SocketProcess -Id $script:listenerPid -NetworkNamespace $script:ns | Format-Table | Out-String -Width 400) -replace '\s+', ' '
        $text | Should -Match 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME python3 '
        $ours = @(([regex]::Matches($text, 'python3 \d+ .*?(?= python3 \d+ |$)')).Value | ForEach-Object { $_.Trim() })
        $theirs = @(Invoke-InNamespace $script:ns lsof -nP -a -i -p $script:listenerPid | Select-Object -Skip 1 | ForEach-Object { $_.Trim() -replace '\s+', ' ' })
        $ours | Should -Be $theirs
        $ours -join "`n" | Should -Match '127\.0\.0\.1:\d+->127\.0\.0\.1:7400 \(ESTABLISHED\)'
    }

    It 'formats deserialized rows (as remoting returns them) exactly as live ones' {
        $rows = @(Get-SocketProcess -Id $script:listenerPid -NetworkNamespace $script:ns)
        $deserialized = @($rows | ForEach-Object {
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_))
            })
        $deserialized[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketProcess'
        # SocketProcess serializes one level deep, but SocketInfo's own SerializationDepth (Types.ps1xml)
        # applies wherever a SocketInfo is written, so Socket arrives as a property bag, not its ToString text.
        $deserialized[0].Socket.LocalPort | Should -BeOfType [int]
        $live = $rows | Format-Table -DisplayError | Out-String -Width 400
        $remote = $deserialized | Format-Table -DisplayError | Out-String -Width 400
        $remote | Should -Not -Match '#ERR'
        $remote | Should -BeExactly $live
    }

    It 'fills Owners in Get-SocketStat -IncludeProcess and selects by -ProcessId' {
        $sockets = @(Get-SocketStat -NetworkNamespace $script:ns -ProcessId $script:bystanderPid)
        $sockets.Count | Should -Be 1
        $sockets[0].LocalPort | Should -Be 7401
        $all = @(Get-SocketStat -NetworkNamespace $script:ns -p)
        @($all | Where-Object { $_.Owners.Count -eq 0 }).Count | Should -Be 0
    }

    Context 'as a user of lsof and ss types it' {
        It 'takes -Port as ss writes it: <Port>' -ForEach @(@{ Port = ':7401' }, @{ Port = '7401-7401' }, @{ Port = ' 7401 ' }) {
            $rows = @(Get-SocketProcess -Port $Port -NetworkNamespace $script:ns)
            $rows.Count | Should -Be 1
            $rows[0].Id | Should -Be $script:bystanderPid
        }

        It 'rejects a port that is none with UnknownPort (InvalidArgument)' {
            { Get-SocketProcess -Port 'no-such-service-stt' -NetworkNamespace $script:ns } | Should -Throw -ErrorId 'UnknownPort,SocketTools.Commands.GetSocketProcessCommand'
        }

        It 'reports -Name <Name> that no process has as a non-terminating ProcessNameNotFound about the name, as Get-SocketStat -ProcessName does' -ForEach @(@{ Name = 'stt-no-such-proc' }) {
            foreach ($call in @(
                    { Get-SocketProcess -Name $Name -NetworkNamespace $script:ns -ErrorVariable +errs -ErrorAction SilentlyContinue },
                    { Get-SocketStat -ProcessName $Name -NetworkNamespace $script:ns -ErrorVariable +errs -ErrorAction SilentlyContinue })) {
                $errs = [System.Collections.ArrayList]::new()
                $output = @(& $call)
                $output.Count | Should -Be 0
                $errs.Count | Should -Be 1
                $errs[0].FullyQualifiedErrorId | Should -BeLike 'ProcessNameNotFound,*'
                $errs[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
                $errs[0].TargetObject | Should -Be $Name
            }
        }
    }
}

# ---------------------------------------------------------------------------------------------
# Pipelines into the process cmdlets bind pids, never names (issue 13, item 4). The processes are
# started from a link to python3 with a random name, so their comm is unique to this run: if a
# binding by name slips back in, it can only reach this file's own processes.
# ---------------------------------------------------------------------------------------------

BeforeDiscovery { . (Join-Path $PSScriptRoot 'common.ps1') }

Describe 'Process cmdlets bind what SocketTools writes by pid, never by name' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        Import-Module $ModulePath -Force

        # A stand-in for each process cmdlet with its exact parameters, sets, aliases and default set
        # (from its own metadata), which reports what the pipeline bound instead of acting.
        function New-BindingProbe([string] $Command) {
            $meta = [System.Management.Automation.CommandMetadata]::new((Get-Command $Command))
            $binding = [System.Management.Automation.ProxyCommand]::GetCmdletBindingAttribute($meta)
            $params = [System.Management.Automation.ProxyCommand]::GetParamBlock($meta)
            [scriptblock]::Create("$binding param($params) process { [pscustomobject]@{ Set = `$PSCmdlet.ParameterSetName; Id = `$PSBoundParameters['Id']; Name = `$PSBoundParameters['Name'] } }")
        }

        $script:processCmdlets = 'Get-Process', 'Stop-Process', 'Wait-Process', 'Debug-Process'
        $script:probes = @{}
        foreach ($c in $script:processCmdlets) { $script:probes[$c] = New-BindingProbe $c }

        $socket = [SocketTools.SocketInfo]::new()
        $script:samples = @{
            SocketProcess = [SocketTools.SocketProcess]@{ Id = 4242; Command = 'sshd'; Fd = 3; Socket = $socket }
            SocketOwner   = [SocketTools.SocketOwner]::new(4242, 'sshd', 3)
        }
        foreach ($key in @($script:samples.Keys)) {
            $script:samples["Deserialized $key"] = [System.Management.Automation.PSSerializer]::Deserialize(
                [System.Management.Automation.PSSerializer]::Serialize($script:samples[$key]))
        }
    }

    It '<Cmdlet> binds -Id, and nothing else, from a <Kind>' -ForEach @(
        foreach ($cmdlet in 'Get-Process', 'Stop-Process', 'Wait-Process', 'Debug-Process') {
            foreach ($kind in 'SocketProcess', 'SocketOwner', 'Deserialized SocketProcess', 'Deserialized SocketOwner') {
                @{ Cmdlet = $cmdlet; Kind = $kind }
            }
        }
    ) {
        $bound = @($script:samples[$Kind] | & $script:probes[$Cmdlet])
        $bound.Count | Should -Be 1
        $bound[0].Set | Should -BeLike 'Id*'
        $bound[0].Id | Should -Be @(4242)
        $bound[0].Name | Should -BeNullOrEmpty
    }

    It '<_> takes no SocketInfo from the pipeline: OwningProcess is one of possibly many owners' -ForEach @(
        'Get-Process', 'Stop-Process', 'Wait-Process', 'Debug-Process'
    ) {
        { [SocketTools.SocketInfo]::new() | & $script:probes[$_] -ErrorAction Stop } |
            Should -Throw -ErrorId 'InputObjectNotBound*'
    }

    It 'no property of an output type binds to a process cmdlet by name other than the pid' {
        # Every parameter the four cmdlets take by property name, with its aliases, but -Id's.
        $byName = @(foreach ($c in $script:processCmdlets) {
                foreach ($p in (Get-Command $c).Parameters.Values) {
                    if ($p.Name -ne 'Id' -and @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName })) {
                        $p.Name; $p.Aliases
                    }
                }
            }) | Sort-Object -Unique
        $byName | Should -Contain 'ProcessName'
        $types = [SocketTools.SocketInfo].Assembly.GetExportedTypes() | Where-Object { $_.Namespace -eq 'SocketTools' -and $_.IsClass }
        $offending = @(foreach ($t in $types) {
                foreach ($p in $t.GetProperties()) { if ($byName -contains $p.Name) { "$($t.Name).$($p.Name)" } }
            })
        $offending | Should -BeNullOrEmpty
    }
}

Describe 'Get-SocketProcess output into the process cmdlets, beside a same-named decoy' -Skip:(-not $LiveTier) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        Import-Module $ModulePath -Force
        $script:decoyNs = New-TestNamespace
        # A link to the python3 binary under a random name: its processes' comm is that name.
        $script:linkDir = Join-Path ([System.IO.Path]::GetTempPath()) ('stt-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $script:linkDir | Out-Null
        $python = (& python3 -c 'import os, sys; print(os.path.realpath(sys.executable))').Trim()
        $script:comm = 'stt-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $script:exe = Join-Path $script:linkDir $script:comm
        New-Item -ItemType SymbolicLink -Path $script:exe -Target $python | Out-Null

        # Holds a listener on PORT with a connection to it; exits after LINGER seconds, or when stdin closes.
        $script:ownerCode = @'
import os, socket, sys, threading
port, linger = int(sys.argv[1]), float(sys.argv[2])
server = socket.socket(); server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port)); server.listen(5)
client = socket.socket(); client.connect(("127.0.0.1", port))
accepted, _ = server.accept()
print(os.getpid(), flush=True)
if linger > 0:
    threading.Event().wait(linger)
else:
    sys.stdin.read()
'@
        function Start-Owner([int] $Port, [double] $Linger = 0) {
            Start-NamespaceProcess -Namespace $script:decoyNs -FilePath $script:exe -ArgumentList @('-c', $script:ownerCode, $Port, $Linger) -WaitForLine
        }
        # The decoy: the same name, a socket of its own on another port, nothing else in common.
        $script:decoy = Start-Owner -Port 7499
        (Get-Content "/proc/$($script:decoy.Id)/comm") | Should -Be $script:comm
    }

    AfterAll {
        Stop-NamespaceProcess $script:decoy
        Remove-TestNamespace $script:decoyNs
        if ($script:linkDir) { Remove-Item -LiteralPath $script:linkDir -Recurse -Force -ErrorAction Ignore }
    }

    It 'Get-Process gets exactly the owners, not every process of their name' {
        $owner = Start-Owner -Port 7490
        try {
            $rows = @(Get-SocketProcess -Port 7490 -NetworkNamespace $script:decoyNs)
            $rows.Count | Should -Be 3
            @(Get-Process -Name $script:comm).Count | Should -Be 2   # the name alone would reach the decoy
            $ids = @($rows | Get-Process | ForEach-Object Id | Sort-Object -Unique)
            $ids | Should -Be @($owner.Id)
            @($rows[0].Socket.Owners | Get-Process | ForEach-Object Id) | Should -Be @($owner.Id)
        }
        finally { Stop-NamespaceProcess $owner }
    }

    It 'Stop-Process stops exactly the owners, from rows and from Owners' -ForEach @(
        @{ From = 'rows'; Pipe = { param($ns) Get-SocketProcess -Port 7491 -NetworkNamespace $ns } }
        @{ From = 'Owners'; Pipe = { param($ns) (Get-SocketStat -LocalPort 7491 -State Listen -IncludeProcess -NetworkNamespace $ns).Owners } }
    ) {
        $owner = Start-Owner -Port 7491
        try {
            & $Pipe $script:decoyNs | Stop-Process
            $owner.WaitForExit(5000) | Should -BeTrue
            $script:decoy.HasExited | Should -BeFalse
        }
        finally { Stop-NamespaceProcess $owner }
    }

    It 'Wait-Process waits for exactly the owners' {
        $owner = Start-Owner -Port 7492 -Linger 2
        try {
            $rows = @(Get-SocketProcess -Port 7492 -NetworkNamespace $script:decoyNs)
            $rows.Count | Should -BeGreaterThan 0
            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $errors = $null
            $rows | Wait-Process -Timeout 20 -ErrorVariable errors -ErrorAction SilentlyContinue
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 15   # bound by name, it would wait for the decoy and time out
            $errors | Should -BeNullOrEmpty
            $owner.HasExited | Should -BeTrue
            $script:decoy.HasExited | Should -BeFalse
        }
        finally { Stop-NamespaceProcess $owner }
    }

    It 'Debug-Process -WhatIf targets exactly the owners' {
        $owner = Start-Owner -Port 7493
        $transcript = Join-Path ([System.IO.Path]::GetTempPath()) "stt-whatif-$([guid]::NewGuid().ToString('N')).txt"
        try {
            Start-Transcript -Path $transcript | Out-Null
            try { Get-SocketProcess -Port 7493 -Listening -NetworkNamespace $script:decoyNs | Debug-Process -WhatIf }
            finally { Stop-Transcript | Out-Null }
            $whatIf = @(Get-Content $transcript | Where-Object { $_ -like 'What if:*' })
            $whatIf.Count | Should -Be 1
            $whatIf[0] | Should -BeLike "*($($owner.Id))*"
        }
        finally {
            Remove-Item $transcript -ErrorAction Ignore
            Stop-NamespaceProcess $owner
        }
    }
}

# ---------------------------------------------------------------------------------------------
# Get-SocketProcess selects what lsof selects (issue 13, item 12): -Id lists a process's Unix
# sockets too, as lsof -p does; -Port matches either end, as lsof -i :PORT does; -Listening keeps
# the listeners, as lsof -s TCP:LISTEN does. Every comparison is with lsof in the same namespace.
# ---------------------------------------------------------------------------------------------

Describe 'Get-SocketProcess selects the rows lsof selects' -Skip:(-not $LiveTier) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'common.ps1')
        Import-Module $ModulePath -Force
        $script:lsofNs = New-TestNamespace
        $script:sockDir = Join-Path ([System.IO.Path]::GetTempPath()) ('stt-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $script:sockDir | Out-Null

        # The server: a TCP listener on 7480 with one accepted connection, a Unix stream listener with
        # a connection, an abstract datagram socket, a UDP socket and a socketpair.
        $script:server = Start-NamespacePython -Namespace $script:lsofNs -ArgumentList $script:sockDir -Code @'
import os, socket, sys
d = sys.argv[1]
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); tcp.bind(("127.0.0.1", 7480)); tcp.listen(5)
ul = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); ul.bind(os.path.join(d, "server.sock")); ul.listen(5)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); uc.connect(os.path.join(d, "server.sock")); ua, _ = ul.accept()
dg = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); dg.bind("\0stt-pester-dgram-%d" % os.getpid())
udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); udp.bind(("::", 7481))
pair = socket.socketpair()
print(os.getpid(), flush=True)
conns = [tcp.accept()[0]]
sys.stdin.read()
'@
        # The client: connected to the server's port 7480 from an ephemeral port, and to its Unix listener.
        $script:client = Start-NamespacePython -Namespace $script:lsofNs -ArgumentList $script:sockDir -Code @'
import os, socket, sys
c = socket.socket(); c.connect(("127.0.0.1", 7480))
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); u.connect(os.path.join(sys.argv[1], "server.sock"))
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        # Rows as (pid, fd) text, from lsof's output or from ours.
        function Get-LsofRow([string[]] $Arguments) {
            @(Invoke-InNamespace $script:lsofNs lsof -nP @Arguments | Select-Object -Skip 1 | ForEach-Object {
                    $cells = $_.Trim() -split '\s+'
                    "$($cells[1])/$($cells[3])"
                }) | Sort-Object
        }
        function Format-Row($Rows) { @($Rows | ForEach-Object { "$($_.Id)/$($_.Fd)u" }) | Sort-Object }
        # Give the server a moment to accept the client's connection.
        $deadline = [datetime]::UtcNow.AddSeconds(10)
        while ([datetime]::UtcNow -lt $deadline -and @(Get-LsofRow @('-i', ':7480')).Count -lt 3) { Start-Sleep -Milliseconds 100 }
    }

    AfterAll {
        Stop-NamespaceProcess $script:client
        Stop-NamespaceProcess $script:server
        Remove-TestNamespace $script:lsofNs
        if ($script:sockDir) { Remove-Item -LiteralPath $script:sockDir -Recurse -Force -ErrorAction Ignore }
    }

    It '-Port matches the local or the remote port, as lsof -i :PORT does' {
        $theirs = Get-LsofRow @('-i', ':7480')
        $theirs | Should -Contain "$($script:client.Id)/3u"   # the client, whose remote port is 7480
        Format-Row (Get-SocketProcess -Port 7480 -NetworkNamespace $script:lsofNs) | Should -Be $theirs
    }

    It '-Port -Listening keeps the listeners, as lsof -i :PORT -s TCP:LISTEN does' {
        $theirs = @(Get-LsofRow @('-i', ':7480', '-s', 'TCP:LISTEN'))
        $theirs.Count | Should -Be 1
        Format-Row (Get-SocketProcess -Port 7480 -Listening -NetworkNamespace $script:lsofNs) | Should -Be $theirs
    }

    It '-Id lists the Unix sockets too, as lsof -p does' {
        $unix = @(Get-LsofRow @('-p', $script:server.Id, '-a', '-U'))
        $inet = @(Get-LsofRow @('-p', $script:server.Id, '-a', '-i'))
        $unix.Count | Should -Be 6   # listener, client and accepted ends, abstract datagram, the socketpair
        Format-Row (Get-SocketProcess -Id $script:server.Id -NetworkNamespace $script:lsofNs) | Should -Be (@($unix) + @($inet) | Sort-Object)
    }

    It '-Name lists the Unix sockets too, as lsof -c does' {
        $pids = "$($script:server.Id),$($script:client.Id)"
        $theirs = @(@(Get-LsofRow @('-p', $pids, '-a', '-U')) + @(Get-LsofRow @('-p', $pids, '-a', '-i')) | Sort-Object)
        $theirs.Count | Should -Be 11
        Format-Row (Get-SocketProcess -Name python3 -NetworkNamespace $script:lsofNs) | Should -Be $theirs
    }

    It 'prints every cell as lsof -p prints it, Unix rows included' {
        # A row wider than the host continues on indented lines (ViewLayout lays views out at the host's
        # width, whatever Out-String -Width says): with the line breaks made spaces, the text is
        # lsof's lines one after the other.
        $text = (Get-SocketProcess -Id $script:server.Id -NetworkNamespace $script:lsofNs | Format-Table | Out-String -Width 400) -replace '\s+', ' '
        $ours = @(([regex]::Matches($text, 'python3 \d+ .*?(?= python3 \d+ |$)')).Value | ForEach-Object { $_.Trim() })
        $lsofArgs = '-nP', '-p', $script:server.Id
        $theirs = @(Invoke-InNamespace $script:lsofNs lsof @lsofArgs | Select-Object -Skip 1 |
                Where-Object { ($_ -split '\s+')[4] -in 'unix', 'IPv4', 'IPv6' } | ForEach-Object { $_.Trim() -replace '\s+', ' ' })
        $theirs.Count | Should -Be 9
        $ours | Should -Be $theirs
        $ours -join "`n" | Should -Match ([regex]::Escape((Join-Path $script:sockDir 'server.sock')) + ' type=STREAM \(LISTEN\)')
        $ours -join "`n" | Should -Match 'unix 0x[0-9a-f]{16} 0t0 \d+ @stt-pester-dgram-\d+ type=DGRAM \(UNCONNECTED\)'
    }
}
