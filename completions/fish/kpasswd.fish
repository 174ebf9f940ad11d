# fish completion for krbkit's kpasswd
complete -c kpasswd -l admin-principal -x -d 'Authenticate as this principal and set the password of PRINCIPAL'
complete -c kpasswd -l password-file -r -F -d 'Read old, new and new password from this file'
complete -c kpasswd -l json -d 'Print the result as JSON'
complete -c kpasswd -l help -d 'Show help'
complete -c kpasswd -l version -d 'Show version'
