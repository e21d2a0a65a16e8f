#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# Run as root (ip netns): ./build.ps1 -Task Test. Every socket and process lives in a namespace this file creates and deletes.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '..' 'output' 'SocketTools') -Force
    $script:ns = 'stt-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    & ip netns add $script:ns
    & ip -n $script:ns link set lo up

    function Start-NamespacePython([string] $Code) {
        $psi = [System.Diagnostics.ProcessStartInfo]::new('ip')
        foreach ($argument in @('netns', 'exec', $script:ns, 'python3', '-c', $Code)) {
            $psi.ArgumentList.Add($argument)
        }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        [void] $process.StandardOutput.ReadLine()   # the script prints a line once its sockets exist
        $process
    }

    # The listener the tests look for: port 7400 and a connection to it.
    $script:listener = Start-NamespacePython @'
import os, socket, time
server = socket.socket()
server.bind(("127.0.0.1", 7400))
server.listen(5)
client = socket.socket()
client.connect(("127.0.0.1", 7400))
accepted, _ = server.accept()
print(os.getpid(), flush=True)
time.sleep(600)
'@
    # Another process with the same name and a socket of its own: binding by name would hit it too.
    $script:bystander = Start-NamespacePython @'
import os, socket, time
other = socket.socket()
other.bind(("127.0.0.1", 7401))
other.listen(1)
print(os.getpid(), flush=True)
time.sleep(600)
'@
    $script:listenerPid = $script:listener.Id
    $script:bystanderPid = $script:bystander.Id

    # Proves which pipeline property binds: Stop-Process -Id is ValueFromPipelineByPropertyName too.
    function Get-BoundId {
        param([Parameter(ValueFromPipelineByPropertyName)] [int[]] $Id)
        process { $Id }
    }
}

AfterAll {
    foreach ($process in @($script:listener, $script:bystander)) {
        if ($process -and -not $process.HasExited) {
            $process.Kill($true)
            $process.WaitForExit(5000) | Out-Null
        }
    }
    & ip netns del $script:ns
}

Describe 'Get-SocketProcess' {
    It 'finds the owner of a listener piped from Get-ListeningPort' {
        $rows = @(Get-ListeningPort 7400 -NetworkNamespace $script:ns | Get-SocketProcess)
        $rows.Count | Should -Be 1
        $rows[0] | Should -BeOfType ([SocketTools.SocketProcess])
        $rows[0].Id | Should -Be $script:listenerPid
        $rows[0].ProcessName | Should -Be 'python3'
        $rows[0].User | Should -Be 'root'
        $rows[0].CommandLine | Should -Match 'server.bind'
        $rows[0].StartTime | Should -BeOfType ([datetime])
        $rows[0].Socket.LocalPort | Should -Be 7400
        $ss = & ip netns exec $script:ns ss -Hlntp 'sport = :7400'
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
        $expected = @(& ip netns exec $script:ns ss -Htanp | Where-Object { $_ -match "pid=$($script:listenerPid)," }).Count
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
        $text = Get-SocketProcess -Id $script:listenerPid -NetworkNamespace $script:ns | Format-Table | Out-String -Width 400
        $text | Should -Match 'COMMAND\s+PID\s+USER\s+FD\s+TYPE\s+DEVICE\s+SIZE/OFF\s+NODE\s+NAME'
        $ours = @($text -split "`n" | Where-Object { $_ -match '^\s*python3\s' } | ForEach-Object { $_.Trim() -replace '\s+', ' ' })
        $theirs = @(& ip netns exec $script:ns lsof -nP -a -i -p $script:listenerPid | Select-Object -Skip 1 | ForEach-Object { $_.Trim() -replace '\s+', ' ' })
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
}

Describe 'Get-SocketProcess as a user of lsof and ss types it' {
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
