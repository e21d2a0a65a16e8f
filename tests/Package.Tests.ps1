#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
# The package round trip a user makes: the .nupkg that build.ps1 -Task Package wrote into
# output/package is found in a local PSResourceGet repository, installed into a temporary
# CurrentUser scope (HOME points into a temp folder, so nothing of the machine's
# own modules is touched), imported BY NAME in a fresh pwsh, and each cmdlet runs.
# ./build.ps1 -Task Test packages before it runs Pester.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:package = Get-ChildItem -Path (Join-Path $PSScriptRoot '..' 'output' 'package') -Filter 'SocketTools.*.nupkg' -ErrorAction Ignore
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:manifest = Import-PowerShellDataFile -Path (Join-Path $PSScriptRoot '..' 'SocketTools.psd1')
    $script:packageDir = Join-Path $PSScriptRoot '..' 'output' 'package'
    $script:temp = Join-Path ([System.IO.Path]::GetTempPath()) ('stt-package-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $null = New-Item -ItemType Directory -Path $script:temp
    $script:pwsh = Get-PwshCommand

    # Runs a script in a fresh pwsh whose CurrentUser scope lives in the temp folder; returns its
    # output lines (errors included, as text) and sets $script:childExit.
    function Invoke-FreshPwsh([string] $Script) {
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME; XDG_CONFIG_HOME = $env:XDG_CONFIG_HOME; XDG_CACHE_HOME = $env:XDG_CACHE_HOME; PSModulePath = $env:PSModulePath }
        try {
            $env:HOME = $script:temp
            # PSResourceGet installs under $HOME/.local/share whatever XDG_DATA_HOME says, while
            # pwsh's module path follows XDG_DATA_HOME: unset, both derive from HOME.
            $env:XDG_DATA_HOME = $null
            $env:XDG_CONFIG_HOME = $null
            $env:XDG_CACHE_HOME = $null
            # A fresh pwsh computes its own module path; the test runner's (Pester's folder) must not leak in.
            $env:PSModulePath = $null
            $out = & $script:pwsh[0] @($script:pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $Script 2>&1
            $script:childExit = $LASTEXITCODE
            @($out | ForEach-Object { "$_" })
        }
        finally {
            foreach ($k in $saved.Keys) { Set-Item -Path "env:$k" -Value $saved[$k] }
        }
    }

    $script:repo = 'stt-local-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $install = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name '$($script:repo)' -Uri '$($script:packageDir)' -Trusted
Install-PSResource -Name SocketTools -Repository '$($script:repo)' -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name SocketTools -Scope CurrentUser).InstalledLocation
"@
    $script:installExit = $script:childExit
    $script:installOutput = $install
    $script:installed = Join-Path $script:temp '.local' 'share' 'powershell' 'Modules' 'SocketTools' $script:manifest.ModuleVersion
}

AfterAll {
    if ($script:temp -and (Test-Path -LiteralPath $script:temp)) { Remove-Item -LiteralPath $script:temp -Recurse -Force }
}

Describe 'The package' -Skip:(-not $script:package) {
    It 'installs from a local PSResourceGet repository into the CurrentUser scope' {
        $script:installExit | Should -Be 0 -Because ($script:installOutput -join "`n")
        Test-Path -LiteralPath (Join-Path $script:installed 'SocketTools.psd1') | Should -BeTrue
    }

    It 'holds what the module loads, LICENSE and CHANGELOG, and no debug symbols' {
        $files = @(Get-ChildItem -LiteralPath $script:installed -Recurse -File | ForEach-Object Name)
        foreach ($name in @($script:manifest.RootModule) + $script:manifest.RequiredAssemblies + $script:manifest.FormatsToProcess + $script:manifest.TypesToProcess + 'SocketTools.psd1', 'LICENSE', 'CHANGELOG.md') {
            $files | Should -Contain $name
        }
        $files | Where-Object { $_ -like '*.pdb' } | Should -BeNullOrEmpty
        (Get-Content -LiteralPath (Join-Path $script:installed 'LICENSE') -TotalCount 1) | Should -Be 'MIT License'
    }

    It 'is found by each exported cmdlet name (Find-PSResource -CommandName)' {
        $names = Invoke-FreshPwsh @"
Register-PSResourceRepository -Name '$($script:repo)' -Uri '$($script:packageDir)' -Trusted
foreach (`$c in '$($script:manifest.CmdletsToExport -join "','")') {
    `$found = Find-PSResource -CommandName `$c -Repository '$($script:repo)' -ErrorAction SilentlyContinue
    '{0}={1}' -f `$c, (@(`$found.ParentResource.Name) -join ',')
}
"@
        foreach ($cmdlet in $script:manifest.CmdletsToExport) {
            $names | Should -Contain "$cmdlet=SocketTools"
        }
    }

    It 'imports by name in a fresh pwsh and exports exactly the manifest''s cmdlets, with its views and types' {
        $out = Invoke-FreshPwsh @'
$ErrorActionPreference = 'Stop'
Import-Module SocketTools
$m = Get-Module SocketTools
'path=' + $m.ModuleBase
'cmdlets=' + (($m.ExportedCmdlets.Keys | Sort-Object) -join ',')
'views=' + @((Get-FormatData -TypeName SocketTools.SocketInfo).FormatViewDefinition).Count
'port=' + ((Get-TypeData -TypeName SocketTools.SocketInfo).Members.Keys -contains 'Port')
'@
        $script:childExit | Should -Be 0 -Because ($out -join "`n")
        $out | Should -Contain "path=$((Resolve-Path $script:installed).Path)"
        $out | Should -Contain ('cmdlets=' + (($script:manifest.CmdletsToExport | Sort-Object) -join ','))
        ($out | Where-Object { $_ -like 'views=*' }) -replace 'views=' | Should -BeGreaterThan 1
        $out | Should -Contain 'port=True'
    }
}

Describe 'The installed module, run as a user would' -Skip:(-not $script:package -or -not $LiveTier) {
    BeforeAll {
        $script:ns = New-TestNamespace -Prefix 'stt-package'
        $script:holder = Start-NamespacePython -Namespace $script:ns -Code @'
import os, socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(("127.0.0.1", 7600)); l.listen(4)
c = socket.socket(); c.connect(("127.0.0.1", 7600)); a, _ = l.accept()
print(os.getpid(), flush=True)
sys.stdin.read()
'@
    }
    AfterAll {
        Stop-NamespaceProcess $script:holder
        Remove-TestNamespace $script:ns
    }

    It 'runs every cmdlet, imported by name, against a test namespace' {
        $out = Invoke-FreshPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module SocketTools
'stat=' + @(Get-SocketStat -NetworkNamespace '$($script:ns)' -Protocol Tcp).Count
'listen=' + ((Get-ListeningPort -NetworkNamespace '$($script:ns)').LocalPort -join ',')
'proc=' + ((Get-SocketProcess -NetworkNamespace '$($script:ns)' -Port 7600).Id | Sort-Object -Unique)
'watch=' + @(Watch-TcpTimer -NetworkNamespace '$($script:ns)' -State Established -Interval 00:00:00.1 -Count 2).Count
"@
        $script:childExit | Should -Be 0 -Because ($out -join "`n")
        $ss = @(Invoke-InNamespace $script:ns ss -Htan)
        $out | Should -Contain "stat=$($ss.Count)"
        $out | Should -Contain 'listen=7600'
        $out | Should -Contain "proc=$($script:holder.FirstLine)"
        ($out | Where-Object { $_ -like 'watch=*' }) -replace 'watch=' | Should -BeGreaterOrEqual 2
    }
}
