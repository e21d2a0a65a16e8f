@{
    RootModule           = 'SocketTools.dll'
    ModuleVersion        = '0.1.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '6f0c1d2e-5b7a-4f3e-9a41-2c8d7e5b9f10'
    Author               = 'SocketTools contributors'
    CompanyName          = 'SocketTools'
    Copyright            = '(c) 2026 SocketTools contributors. MIT License (LICENSE in the module folder).'
    Description          = 'Linux socket inspection as PowerShell objects: what ss, netstat and lsof -i show, from netlink sock_diag, with queues, timers, retransmits, uid, inode and owning processes.'
    PowerShellVersion    = '7.4'
    RequiredAssemblies   = @('SocketTools.Core.dll')
    FormatsToProcess     = @('SocketTools.Format.ps1xml')
    TypesToProcess       = @('SocketTools.Types.ps1xml')
    CmdletsToExport      = @(
        'Close-Socket'
        'Get-ListeningPort'
        'Get-SocketProcess'
        'Get-SocketStat'
        'Watch-SocketEvent'
        'Watch-TcpTimer'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            # PSCommand_ and PSCmdlet_ tags let Find-PSResource -CommandName find the module; one per
            # exported cmdlet (tests/Package.Tests.ps1 checks each one is found).
            Tags         = @('Linux', 'Network', 'Socket', 'ss', 'netstat', 'lsof', 'TCP', 'UDP', 'Netlink', 'PSEdition_Core',
                'PSCommand_Get-ListeningPort', 'PSCommand_Get-SocketProcess', 'PSCommand_Get-SocketStat', 'PSCommand_Watch-TcpTimer',
                'PSCommand_Watch-SocketEvent', 'PSCommand_Close-Socket',
                'PSCmdlet_Get-ListeningPort', 'PSCmdlet_Get-SocketProcess', 'PSCmdlet_Get-SocketStat', 'PSCmdlet_Watch-TcpTimer',
                'PSCmdlet_Watch-SocketEvent', 'PSCmdlet_Close-Socket')
            # LicenseUri and ProjectUri go here once the project has them: an empty value becomes an
            # empty <licenseUrl>/<projectUrl> in the nuspec Publish-PSResource writes, which NuGet rejects.
            ReleaseNotes = 'See CHANGELOG.md for the changes in each release.'
        }
    }
}
