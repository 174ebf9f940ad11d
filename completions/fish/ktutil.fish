# fish completion for krbkit's ktutil (its commands are read at its prompt)
complete -c ktutil -f
complete -c ktutil -l help -d 'Show help'
complete -c ktutil -l version -d 'Show version'
