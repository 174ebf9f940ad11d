# fish completion for krbkit's kdiag
complete -c kdiag -s p -l principal -x -d 'Principal to ask the KDC about'
complete -c kdiag -l kdc -x -a '(__fish_print_hostnames)' -d 'Probe this KDC instead of the located ones'
complete -c kdiag -l timeout -x -d 'Milliseconds each probe waits'
complete -c kdiag -l json -d 'Print a JSON document'
complete -c kdiag -l help -d 'Show help'
complete -c kdiag -l version -d 'Show version'
