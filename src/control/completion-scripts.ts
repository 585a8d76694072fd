export const completionShells = ['bash', 'zsh', 'fish'] as const;

export type CompletionShell = (typeof completionShells)[number];

/*
 * Each script hands the line typed so far to `taskmasterctl _complete`, which answers with the
 * candidates for the last word, process names asked from the running supervisor (the -s or -c
 * of that line, or the default socket); the scripts only pass words back and forth.
 */
const bash = `# taskmasterctl completion for bash: source <(taskmasterctl completion bash)
_taskmasterctl() {
  local line="\${COMP_LINE:0:COMP_POINT}"
  local cur="\${line##*[[:space:]]}"
  local IFS=$'\\n'
  COMPREPLY=($("\${COMP_WORDS[0]}" _complete -- "$line" 2>/dev/null))
  # bash splits words at ':' (vogsphere:vogsphere_03): keep only what follows the last one.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}" i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]="\${COMPREPLY[i]#"$prefix"}"; done
  fi
}
complete -F _taskmasterctl taskmasterctl
`;

const zsh = `#compdef taskmasterctl
# taskmasterctl completion for zsh: source <(taskmasterctl completion zsh), after compinit
_taskmasterctl() {
  local -a candidates
  candidates=(\${(f)"$(\${words[1]} _complete -- "\${(j: :)words[1,CURRENT]}" 2>/dev/null)"})
  # Inserted quoted (web:\\* is not globbed), listed as typed.
  compadd -d candidates -a candidates
}
compdef _taskmasterctl taskmasterctl
`;

const fish = `# taskmasterctl completion for fish: taskmasterctl completion fish | source
complete -c taskmasterctl -f -a '(taskmasterctl _complete -- (commandline -cp))'
`;

/** The completion script of one shell. */
export function completionScript(shell: CompletionShell): string {
  switch (shell) {
    case 'bash':
      return bash;
    case 'zsh':
      return zsh;
    case 'fish':
      return fish;
  }
}
