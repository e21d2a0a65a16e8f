#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# PowerShell remoting over SSH, for real: the fan-out an operator runs against two hosts, h1 and h2,
# and the same views printing the deserialized answers exactly as they print each host's live sockets.
#
# Each "host" is an sshd (Debian's openssh-server) in a network namespace this file creates, with its
# own config, host key and log, listening on its end of a veth pair; the other ends live in a client
# namespace. The SSH subsystem `powershell` runs the pwsh that runs these tests, with -sshs.
# Nothing outside the test namespaces and the test's temporary directory is touched:
#  - links and addresses exist only inside the three namespaces;
#  - PowerShell finds ssh on PATH, so a wrapper first on PATH runs /usr/bin/ssh inside the client
#    namespace with -F <temp>/ssh_config: no ~/.ssh, no /etc/ssh (with -F, ssh neither reads the
#    system config nor creates ~/.ssh), known hosts pinned to the hosts' keys;
#  - sshd's privilege-separation directory /run/sshd is a tmpfs mounted in the private mount
#    namespace that `ip netns exec` makes for each sshd, so nothing is created under the real /run.
# Run as root: ./build.ps1 -Task Test. Needs the apt packages openssh-server and openssh-client.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
    # 'default' is Format-Table without -View (the view PowerShell adds PSComputerName to), then every
    # table view of SocketInfo by name, whoever added it (ss, process, timer, extended, netstat, unix, …).
    $script:views = @('default') + @((Get-FormatData -TypeName 'SocketTools.SocketInfo').FormatViewDefinition |
            Where-Object { $_.Control -is [System.Management.Automation.TableControl] } |
            ForEach-Object { $_.Name })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    Import-Module $ModulePath -Force
    $script:modulePath = (Resolve-Path -LiteralPath $ModulePath).Path

    function Invoke-Checked {
        # Runs a native command (its name, then its arguments, all passed as they are) and throws when it fails.
        $command, $arguments = $args
        $output = & $command @arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "$args failed (exit $LASTEXITCODE): $output" }
    }

    function Out-View {
        # The text a view prints for these objects; 'default' is Format-Table without -View.
        param([object[]] $InputObject, [string] $View)
        $format = @{ DisplayError = $true }
        if ($View -ne 'default') { $format.View = $View }
        $InputObject | Format-Table @format | Out-String -Width 300
    }

    function Add-ComputerName {
        # Marks live objects the way remoting marks what it returns, so that Format-Table's default
        # view adds the same PSComputerName column to them.
        param([object[]] $InputObject, [string] $ComputerName)
        foreach ($o in $InputObject) {
            $o.PSObject.Properties.Add([psnoteproperty]::new('PSComputerName', $ComputerName))
            $o.PSObject.Properties.Add([psnoteproperty]::new('PSShowComputerName', $true))
            $o
        }
    }

    function Select-HostSocket {
        # Leaves out the SSH transport's own connections (port 22, not the listener): they come and
        # go with each session, so two snapshots of a host never agree on them.
        param([Parameter(ValueFromPipeline)] $InputObject)
        process {
            $socket = if ($InputObject.PSObject.Properties['Socket']) { $InputObject.Socket } else { $InputObject }
            if (-not ($socket.LocalPort -eq 22 -and [string]$socket.State -ne 'Listen')) { $InputObject }
        }
    }

    function ConvertFrom-Expiry {
        # ss's expiry text (59sec, 1min2sec, 9.500sec, 050ms) in milliseconds.
        param([string] $Text)
        $m = [regex]::Match($Text, '^(?:(?<min>\d+)min)?(?:(?<sec>\d+)(?:\.(?<frac>\d{3}))?sec)?(?:(?<ms>\d+)ms)?$')
        if (-not $m.Success -or -not $Text) { throw "Not an ss expiry: '$Text'" }
        $ms = 0L
        if ($m.Groups['min'].Success) { $ms += 60000L * $m.Groups['min'].Value }
        if ($m.Groups['sec'].Success) { $ms += 1000L * $m.Groups['sec'].Value }
        if ($m.Groups['frac'].Success) { $ms += [long]$m.Groups['frac'].Value }
        if ($m.Groups['ms'].Success) { $ms += [long]$m.Groups['ms'].Value }
        $ms
    }

    function Assert-SameText {
        <#
            The remote text must be the live text, except that a timer counts down between the two
            snapshots: every timer:(kind,expiry,retransmits) cell must name the same kind and
            retransmits, and the remote expiry (taken first) may exceed the live one by at most the
            time between the snapshots (plus ss's one-second rounding), never fall below it.
        #>
        param([string] $Remote, [string] $Live, [timespan] $Between, [string] $Because)
        $pattern = 'timer:\((?<kind>[a-z]+),(?<expiry>[^,)]*),(?<retransmits>\d+)\)'
        $Remote | Should -Not -Match '#ERR' -Because $Because
        ($Remote -replace $pattern, 'timer:(${kind},…,${retransmits})') |
            Should -BeExactly ($Live -replace $pattern, 'timer:(${kind},…,${retransmits})') -Because $Because
        $remoteTimers = [regex]::Matches($Remote, $pattern)
        $liveTimers = [regex]::Matches($Live, $pattern)
        for ($i = 0; $i -lt $remoteTimers.Count; $i++) {
            $r = ConvertFrom-Expiry $remoteTimers[$i].Groups['expiry'].Value
            $l = ConvertFrom-Expiry $liveTimers[$i].Groups['expiry'].Value
            $l | Should -BeLessOrEqual ($r + 1000) -Because "$Because, a timer only counts down"
            ($r - $l) | Should -BeLessOrEqual ($Between.TotalMilliseconds + 1000) -Because "$Because, the snapshots were $Between apart"
        }
    }

    function Get-FanOut {
        <#
            Runs $Remote (which fans out to h1 and h2), then $Live once per host with the host's
            namespace, and returns the remote objects (All), per host name the remote and live
            objects without the transport's sockets (Remote, Live), and the time between.
        #>
        param([scriptblock] $Remote, [scriptblock] $Live)
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $all = @(& $Remote)
        $byHost = [ordered]@{}
        foreach ($name in $script:hosts.Keys) {
            $byHost[$name] = [pscustomobject]@{
                Remote = @($all | Where-Object PSComputerName -EQ $name | Select-HostSocket)
                Live   = @(& $Live $script:hosts[$name].Namespace | Select-HostSocket)
            }
        }
        [pscustomobject]@{ All = $all; Host = $byHost; Between = $clock.Elapsed }
    }
}

Describe 'Remoting over SSH to two hosts in network namespaces' -Skip:(-not $LiveTier) {
    BeforeAll {
        $script:sessions = $script:path = $script:hosts = $script:client = $script:temp = $null
        # sshd must be started by its absolute path; root's PATH usually has /usr/sbin, other PATHs may not.
        $command = Get-Command sshd -CommandType Application -ErrorAction Ignore | Select-Object -First 1
        $script:sshd = if ($command) { $command.Source } elseif (Test-Path -LiteralPath /usr/sbin/sshd) { '/usr/sbin/sshd' }
        $script:SkipReason = if (-not $script:sshd) { 'sshd is not installed (apt package openssh-server)' }
        elseif (@(Get-Command ssh, ssh-keygen -CommandType Application -ErrorAction Ignore | Select-Object -ExpandProperty Name -Unique).Count -lt 2) {
            'ssh or ssh-keygen is not installed (apt package openssh-client)'
        }
        elseif (-not (Get-Command python3 -CommandType Application -ErrorAction Ignore)) { 'python3 is not installed' }
        if ($script:SkipReason) { return }
        $ssh = (Get-Command ssh -CommandType Application | Select-Object -First 1).Source

        $script:temp = Join-Path ([System.IO.Path]::GetTempPath()) ('stt-remoting-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $script:temp, "$($script:temp)/bin" | Out-Null
        $script:key = "$($script:temp)/client_key"
        Invoke-Checked ssh-keygen -q -t ed25519 -N '' -C stt-remoting-client -f $script:key
        Copy-Item -LiteralPath "$($script:key).pub" -Destination "$($script:temp)/authorized_keys"

        # The subsystem: this very pwsh (`dotnet pwsh.dll` for the .NET tool, or the pwsh executable).
        $exe = [Environment]::ProcessPath
        $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { "'$exe' '$PSHOME/pwsh.dll'" } else { "'$exe'" }
        Set-Content -LiteralPath "$($script:temp)/pwsh-sshs" -Value "#!/bin/sh`nexec $pwsh -sshs -NoLogo -NoProfile`n"
        Invoke-Checked chmod 0755 "$($script:temp)/pwsh-sshs"

        # Namespaces: client <-veth-> h1 (10.231.1.0/24), client <-veth-> h2 (10.231.2.0/24).
        $script:client = New-TestNamespace -Prefix 'stt-ssh-client'
        $script:hosts = [ordered]@{}
        $knownHosts = @()
        $sshConfig = @()
        $index = 0
        foreach ($name in 'h1', 'h2') {
            $index++
            $ns = New-TestNamespace -Prefix "stt-ssh-$name"
            $address = "10.231.$index.2"
            $script:hosts[$name] = [pscustomobject]@{ Namespace = $ns; Address = $address; Port = 7510 + $index; Port6 = 7610 + $index; Sshd = $null; Holder = $null }
            Invoke-Checked ip -n $script:client link add $name type veth peer name eth0 netns $ns
            Invoke-Checked ip -n $script:client addr add "10.231.$index.1/24" dev $name
            Invoke-Checked ip -n $script:client link set $name up
            Invoke-Checked ip -n $ns addr add "$address/24" dev eth0
            Invoke-Checked ip -n $ns link set eth0 up

            $dir = "$($script:temp)/$name"
            New-Item -ItemType Directory -Path $dir | Out-Null
            Invoke-Checked ssh-keygen -q -t ed25519 -N '' -C $name -f "$dir/host_key"
            $knownHosts += "$name " + ((Get-Content -LiteralPath "$dir/host_key.pub") -split ' ')[0..1] -join ' '
            $sshConfig += "Host $name", "  HostName $address", "  HostKeyAlias $name"
            Set-Content -LiteralPath "$dir/sshd_config" -Value @"
ListenAddress ${address}:22
HostKey $dir/host_key
PidFile none
AuthorizedKeysFile $($script:temp)/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PermitUserRC no
PrintMotd no
PrintLastLog no
Subsystem powershell $($script:temp)/pwsh-sshs
"@
            $script:hosts[$name].Sshd = Start-NamespaceProcess -Namespace $ns -FilePath sh -ArgumentList '-c',
            "mount -t tmpfs -o mode=0755,size=1m stt-sshd /run && mkdir /run/sshd && exec '$($script:sshd)' -D -f '$dir/sshd_config' -E '$dir/sshd.log'"
        }
        Set-Content -LiteralPath "$($script:temp)/known_hosts" -Value $knownHosts
        Set-Content -LiteralPath "$($script:temp)/ssh_config" -Value ($sshConfig + @(
                'Host *'
                "  IdentityFile $($script:key)"
                '  IdentitiesOnly yes'
                "  UserKnownHostsFile $($script:temp)/known_hosts"
                '  GlobalKnownHostsFile /dev/null'
                '  StrictHostKeyChecking yes'
                '  CheckHostIP no'
                '  UpdateHostKeys no'
                '  BatchMode yes'
                '  ConnectTimeout 10'
                '  LogLevel ERROR'))
        Set-Content -LiteralPath "$($script:temp)/bin/ssh" -Value "#!/bin/sh`nexec ip netns exec '$($script:client)' '$ssh' -F '$($script:temp)/ssh_config' `"`$@`"`n"
        Invoke-Checked chmod 0755 "$($script:temp)/bin/ssh"
        $script:path = $env:PATH
        $env:PATH = "$($script:temp)/bin$([System.IO.Path]::PathSeparator)$env:PATH"

        foreach ($name in $script:hosts.Keys) {
            $h = $script:hosts[$name]
            $deadline = [datetime]::UtcNow.AddSeconds(15)
            while (-not (& ip netns exec $h.Namespace ss -Htln 'sport = :22')) {
                if ($h.Sshd.HasExited -or [datetime]::UtcNow -gt $deadline) {
                    throw "sshd in $($h.Namespace) is not listening: $(Get-Content -Raw -LiteralPath "$($script:temp)/$name/sshd.log" -ErrorAction Ignore)"
                }
                Start-Sleep -Milliseconds 100
            }
        }

        # One session per host, the module imported once in each, as an operator keeps them.
        $script:sessions = New-PSSession -HostName $script:hosts.Keys -UserName root -KeyFilePath $script:key -ErrorAction Stop
        Invoke-Command -Session $script:sessions { Import-Module $using:modulePath -ErrorAction Stop }

        # Each host holds different sockets: a listener on its own address and port, an established
        # pair, a TIME-WAIT socket (the side that closes first keeps it, 60 s), an unconnected UDP
        # socket and a dual-stack [::] listener. Started after the sessions so the TIME-WAIT socket
        # is young when the snapshots are taken.
        $holder = @'
import os, socket, sys
address, port, port6 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
listener = socket.socket()
listener.bind((address, port))
listener.listen(8)
client = socket.create_connection((address, port))
server, _ = listener.accept()
closer = socket.create_connection((address, port))
peer, _ = listener.accept()
closer.close()
peer.recv(1)
peer.close()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((address, port))
dual = socket.socket(socket.AF_INET6)
dual.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
dual.bind(("::", port6))
dual.listen(4)
print(os.getpid(), flush=True)
sys.stdin.read()
'@
        foreach ($h in $script:hosts.Values) {
            $h.Holder = Start-NamespacePython -Namespace $h.Namespace -Code $holder -ArgumentList $h.Address, $h.Port, $h.Port6
        }
    }

    AfterAll {
        if ($script:sessions) { $script:sessions | Remove-PSSession -ErrorAction Ignore }
        if ($script:path) { $env:PATH = $script:path }
        if ($script:hosts) {
            foreach ($h in $script:hosts.Values) {
                Stop-NamespaceProcess $h.Holder
                Stop-NamespaceProcess $h.Sshd
                Remove-TestNamespace $h.Namespace
            }
        }
        if ($script:client) { Remove-TestNamespace $script:client }
        if ($script:temp) { Remove-Item -LiteralPath $script:temp -Recurse -Force -ErrorAction Ignore }
    }

    BeforeEach {
        if ($script:SkipReason) { Set-ItResult -Skipped -Because $script:SkipReason }
    }

    Context 'Get-SocketStat -IncludeProcess in sessions to h1 and h2' {
        BeforeAll {
            if ($script:SkipReason) { return }
            $script:stat = Get-FanOut -Remote { Invoke-Command -Session $script:sessions { Get-SocketStat -IncludeProcess } } -Live {
                param($ns) Get-SocketStat -IncludeProcess -NetworkNamespace $ns
            }
        }

        It 'answers from each host its own sockets, told apart by PSComputerName' {
            @($script:stat.All.PSComputerName | Sort-Object -Unique) | Should -Be @('h1', 'h2')
            $script:stat.All[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketInfo'
            foreach ($name in $script:hosts.Keys) {
                $h = $script:hosts[$name]
                $other = @($script:hosts.Values | Where-Object Namespace -NE $h.Namespace)[0]
                $remote = $script:stat.Host[$name].Remote
                $ports = @($remote.LocalPort)
                $ports | Should -Contain $h.Port -Because $name
                $ports | Should -Not -Contain $other.Port -Because $name
                @($remote | Where-Object { $_.LocalPort -eq 22 }).LocalAddress | Should -Be @($h.Address) -Because "$name's sshd listens on $($h.Address)"
                @($remote | Where-Object State -Match 'Established').Count | Should -Be 2 -Because "$name's holder has one established pair"
            }
        }

        It 'prints owners, timers and addresses in <_> as the view prints the live sockets of each host' -ForEach $script:views {
            foreach ($name in $script:hosts.Keys) {
                $remote = Out-View $script:stat.Host[$name].Remote $_
                $live = Out-View (Add-ComputerName $script:stat.Host[$name].Live $name) $_
                Assert-SameText -Remote $remote -Live $live -Between $script:stat.Between -Because "$name, view $_"
            }
        }

        It 'prints the owners ss -p prints on each host in the process view' {
            foreach ($name in $script:hosts.Keys) {
                $h = $script:hosts[$name]
                $text = Out-View $script:stat.Host[$name].Remote 'process'
                $ss = "$(& ip netns exec $h.Namespace ss -Htlnp "sport = :$($h.Port)")"
                $users = [regex]::Match($ss, 'users:\(\(.*\)\)').Value
                $users | Should -Match "pid=$($h.Holder.FirstLine)," -Because $name
                $text | Should -Match ([regex]::Escape($users)) -Because $name
                $text | Should -Match "\(`"sshd`",pid=$($h.Sshd.Id),fd=\d+\)" -Because "$name's sshd owns its listener"
            }
        }
    }

    Context 'Get-SocketStat -State TimeWait in sessions to h1 and h2' {
        BeforeAll {
            if ($script:SkipReason) { return }
            $script:timeWait = Get-FanOut -Remote { Invoke-Command -Session $script:sessions { Get-SocketStat -State TimeWait } } -Live {
                param($ns) Get-SocketStat -State TimeWait -NetworkNamespace $ns
            }
        }

        It 'finds the TIME-WAIT socket of each host with a counting timer' {
            foreach ($name in $script:hosts.Keys) {
                $h = $script:hosts[$name]
                $remote = @($script:timeWait.Host[$name].Remote | Where-Object RemotePort -EQ $h.Port)
                $remote.Count | Should -Be 1 -Because $name
                $remote[0].LocalAddress | Should -Be $h.Address
                $text = Out-View $remote 'timer'
                $text | Should -Match 'timer:\(timewait,\d+(\.\d{3})?sec,0\)' -Because $name
                $ss = "$(& ip netns exec $h.Namespace ss -Htano state time-wait "dport = :$($h.Port)")"
                $ss | Should -Match 'timer:\(timewait,\d+(\.\d{3})?sec,0\)'
            }
        }

        It 'prints <_> as the view prints the live sockets of each host' -ForEach $script:views {
            foreach ($name in $script:hosts.Keys) {
                $remote = Out-View $script:timeWait.Host[$name].Remote $_
                $live = Out-View (Add-ComputerName $script:timeWait.Host[$name].Live $name) $_
                Assert-SameText -Remote $remote -Live $live -Between $script:timeWait.Between -Because "$name, view $_"
            }
        }
    }

    Context 'Get-SocketProcess in sessions to h1 and h2' {
        BeforeAll {
            if ($script:SkipReason) { return }
            $script:processes = Get-FanOut -Remote { Invoke-Command -Session $script:sessions { Get-SocketProcess } } -Live {
                param($ns) Get-SocketProcess -NetworkNamespace $ns
            }
        }

        It 'prints the lsof view as it prints the live rows of each host' {
            $script:processes.All[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketProcess'
            foreach ($name in $script:hosts.Keys) {
                $h = $script:hosts[$name]
                $remoteRows = $script:processes.Host[$name].Remote
                @($remoteRows | Where-Object Id -EQ ([int]$h.Holder.FirstLine)).Count | Should -Be 5 -Because "$name's holder has five sockets with a descriptor"
                $remote = Out-View $remoteRows 'default'
                $live = Out-View (Add-ComputerName $script:processes.Host[$name].Live $name) 'default'
                Assert-SameText -Remote $remote -Live $live -Between $script:processes.Between -Because $name
                $remote | Should -Match "$([regex]::Escape($h.Address)):$($h.Port) \(LISTEN\)\s+$name"
            }
        }
    }

    Context 'Invoke-Command -HostName h1,h2 { Import-Module; Get-ListeningPort }' {
        BeforeAll {
            if ($script:SkipReason) { return }
            $script:listening = Get-FanOut -Remote {
                Invoke-Command -HostName h1, h2 -UserName root -KeyFilePath $script:key {
                    Import-Module $using:modulePath
                    Get-ListeningPort
                }
            } -Live { param($ns) Get-ListeningPort -NetworkNamespace $ns }
        }

        It 'answers from each host its own listeners, told apart by PSComputerName' {
            $script:listening.All[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketInfo#Listening'
            foreach ($name in $script:hosts.Keys) {
                $h = $script:hosts[$name]
                $remote = $script:listening.Host[$name].Remote
                @($remote | Sort-Object Protocol, LocalPort | ForEach-Object { "$([string]$_.Protocol) $($_.LocalAddress) $($_.LocalPort)" }) |
                    Should -Be @("Tcp $($h.Address) 22", "Tcp $($h.Address) $($h.Port)", "Tcp :: $($h.Port6)", "Udp $($h.Address) $($h.Port)") -Because $name
                $remote.Count | Should -Be $script:listening.Host[$name].Live.Count
                # A row may continue on further lines (ViewLayout): the last cell of each row's text is its host.
                @($remote | ForEach-Object { ((Out-View $_ 'default').Trim() -split '\s+')[-1] } | Sort-Object -Unique) |
                    Should -Be @($name) -Because 'the default view ends each row with PSComputerName'
            }
        }

        It 'prints owners and addresses in <_> as the view prints the live listeners of each host' -ForEach $script:views {
            foreach ($name in $script:hosts.Keys) {
                $remote = Out-View $script:listening.Host[$name].Remote $_
                $live = Out-View (Add-ComputerName $script:listening.Host[$name].Live $name) $_
                $remote | Should -Not -Match '#ERR'
                $remote | Should -BeExactly $live -Because "$name, view $_"
            }
        }

        It 'tells the hosts apart in a named view: each row ends with its PSComputerName' {
            # The views' own GroupBy carries their header, so -GroupBy PSComputerName does not group
            # them; instead every view, named or default, ends the row of a remote object with its host.
            foreach ($row in $script:listening.All) {
                $name = $row.PSComputerName
                $name | Should -BeIn @($script:hosts.Keys)
                $text = Out-View $row 'netstat'
                $text | Should -Match 'PSComputerName'
                ($text.Trim() -split '\s+')[-1] | Should -Be $name
                $live = @($script:listening.Host[$name].Live | Where-Object { $_.Protocol -eq $row.Protocol -and $_.LocalPort -eq $row.LocalPort -and [string]$_.LocalAddress -eq [string]$row.LocalAddress })
                $live.Count | Should -Be 1
                ($text -replace '\s+', ' ') | Should -BeExactly ((Out-View (Add-ComputerName $live $name) 'netstat') -replace '\s+', ' ')
            }
        }

        It 'prints the whole fan-out piped to Format-Table <_> as the live tables of both hosts together' -ForEach $script:views {
            # Each table's header appears once in the fan-out, and a row's continuation lines (an owner
            # of several sockets) may repeat: the two hold the same lines, each line once.
            $fanOut = @((Out-View $script:listening.All $_) -split '\r?\n' | Where-Object { $_.Trim() } | Sort-Object -Unique)
            $live = @(foreach ($name in $script:hosts.Keys) {
                    (Out-View (Add-ComputerName $script:listening.Host[$name].Live $name) $_) -split '\r?\n' | Where-Object { $_.Trim() }
                }) | Sort-Object -Unique
            $fanOut | Should -Be @($live)
        }
    }

    Context 'Start-Job { Import-Module; Get-ListeningPort -NetworkNamespace } | Receive-Job -Wait' {
        BeforeAll {
            if ($script:SkipReason) { return }
            $jobs = [ordered]@{}
            foreach ($name in $script:hosts.Keys) {
                $ns = $script:hosts[$name].Namespace
                $jobs[$name] = Start-Job { Import-Module $using:modulePath; Get-ListeningPort -NetworkNamespace $using:ns }
            }
            $script:jobResults = [ordered]@{}
            foreach ($name in $jobs.Keys) {
                $script:jobResults[$name] = [pscustomobject]@{
                    Remote = @($jobs[$name] | Receive-Job -Wait -AutoRemoveJob)
                    Live   = @(Get-ListeningPort -NetworkNamespace $script:hosts[$name].Namespace)
                }
            }
        }

        It 'returns deserialized listeners of the namespace it was given' {
            foreach ($name in $script:hosts.Keys) {
                $remote = $script:jobResults[$name].Remote
                $remote[0].PSObject.TypeNames[0] | Should -BeExactly 'Deserialized.SocketTools.SocketInfo#Listening'
                @($remote.LocalPort) | Should -Contain $script:hosts[$name].Port
                $remote.Count | Should -Be $script:jobResults[$name].Live.Count
            }
        }

        It 'prints <_> as the view prints the live listeners' -ForEach $script:views {
            foreach ($name in $script:hosts.Keys) {
                $remote = Out-View $script:jobResults[$name].Remote $_
                $live = Out-View $script:jobResults[$name].Live $_
                $remote | Should -Not -Match '#ERR'
                $remote | Should -BeExactly $live -Because "$name, view $_"
            }
        }
    }
}
