# Shared by inject-headers.t, inject-options.t and inject-sendmail.t (sourced after t_instance):
# a clean injection environment, one injection as the instance owner, and what it committed.
unset QMAILINJECT QMAILUSER MAILUSER QMAILHOST MAILHOST QMAILNAME MAILNAME NAME QMAILSUSER QMAILSHOST \
  QMAILDEFAULTDOMAIN QMAILDEFAULTHOST QMAILIDHOST QMAILPLUSDOMAIN QMAILQUEUE
USER=joe; export USER
Q=$BERTH_HOME/queue

# run_inject PROG ARGS...: PROG as the instance owner, stdin from $T_DIR/in, stdout and stderr
# to $T_DIR/out and $T_DIR/err; sets RC and ID (the queue id, from $BERTH_IDFD).
run_inject () {
  rm -f "$T_DIR/id"
  BERTH_IDFD=9 as_user "$@" < "$T_DIR/in" > "$T_DIR/out" 2> "$T_DIR/err" 9> "$T_DIR/id"
  RC=$?
  ID=$(cat "$T_DIR/id" 2>/dev/null)
}
# envelope ID: "Fsender Trcpt ..." without berth-queue's u/p records
envelope () { qenv "$Q/todo/$1" | tr '\0' '\n' | grep -v '^[up]' | grep . | paste -sd' ' ; }
# message ID: the queued message without berth-queue's Received line
message () { qbody "$Q/mess/$1" | tail -n +2 ; }
