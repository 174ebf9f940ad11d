# fish completion for krbkit's kdestroy
complete -c kdestroy -s A -l all -d 'Destroy all caches'
complete -c kdestroy -s q -d 'Quiet'
complete -c kdestroy -s c -l cache -r -F -d 'Cache to destroy'
complete -c kdestroy -s p -x -d 'Principal whose cache to destroy'
complete -c kdestroy -l credential -x -d 'Remove only the tickets for this service'
complete -c kdestroy -l json -d 'Print the caches destroyed as JSON'
complete -c kdestroy -l help -d 'Show help'
complete -c kdestroy -l version -d 'Show version'
