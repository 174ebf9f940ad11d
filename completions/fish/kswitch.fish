# fish completion for krbkit's kswitch
complete -c kswitch -s c -l cache -r -F -d 'Cache to make primary'
complete -c kswitch -s p -l principal -x -d 'Principal whose cache to make primary'
complete -c kswitch -l json -d 'Print the cache made primary as JSON'
complete -c kswitch -l help -d 'Show help'
complete -c kswitch -l version -d 'Show version'
