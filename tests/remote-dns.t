#!/bin/sh
# berth-remote and DNS from a loopback dnsmasq: MX order, ties, A/AAAA fallback, null MX,
# NXDOMAIN, a nameserver that never answers, CNAMEs, our own MX preference.
. "$BERTH_TOP/tests/lib.sh"
. "$BERTH_TOP/tests/remote-lib.sh"
t_start 60
t_instance
notipme_sinks
P=$(free_port)
D=$(free_port)
ctl smtpport "$P"
ctl timeoutconnect 5
ctl timeoutremote 10
# nobody listens on 127.0.0.1:P: mx1 refuses, mx2 answers
sink s2 127.0.0.2 "$P"
sink s3 127.0.0.3 "$P"
sink s4 127.0.0.4 "$P"
sink s5 127.0.0.5 "$P"
sink s6 ::1 "$P"
dns "$D" --local=/test/ \
  --mx-host=order.test,mx1.order.test,10 --mx-host=order.test,mx2.order.test,20 \
  --host-record=mx1.order.test,127.0.0.1 --host-record=mx2.order.test,127.0.0.2 \
  --mx-host=tie.test,a.tie.test,5 --mx-host=tie.test,b.tie.test,5 \
  --host-record=a.tie.test,127.0.0.3 --host-record=b.tie.test,127.0.0.4 \
  --host-record=nomx.test,127.0.0.5 \
  --host-record=v6.test,::1 \
  --host-record=both.test,127.0.0.5,::ffff:127.0.0.1 \
  --host-record=dual.test,127.0.0.5,::1 \
  --mx-host=null.test,.,0 \
  --mx-host=real.test,mx2.order.test,10 --cname=alias.test,real.test \
  --mx-host=self.test,test.example,10 --mx-host=self.test,mx2.order.test,5 --mx-host=self.test,mx1.order.test,30 \
  --mx-host=onlyself.test,test.example,10
BERTH_DNSSERVER=127.0.0.1:$D
export BERTH_DNSSERVER
for ip in 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5; do wait_listen $ip "$P"; done
printf 'Subject: dns\n\nhello\n' > "$T_DIR/msg"

out=$(remote order.test a@b.test u@order.test < "$T_DIR/msg")
is "$(printf '%s\n' "$out" | head -n 1)" "r" "MX order: recipient accepted"
case $out in *"Kmx2.order.test [127.0.0.2] accepted message. Remote host said: 250 2.0.0 queued as sink"*) ok 0 "MX order: mx1 refused, mx2 took it" ;; *) ok 1 "MX order: mx1 refused, mx2 took it"; diag "$out" ;; esac
ls "$T_DIR/s2"/*.eml >/dev/null 2>&1; ok $? "MX order: message stored at mx2"

a=0 b=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
  out=$(remote tie.test a@b.test u@tie.test < "$T_DIR/msg")
  case $out in *"a.tie.test [127.0.0.3] accepted"*) a=$((a+1)) ;; *"b.tie.test [127.0.0.4] accepted"*) b=$((b+1)) ;; esac
done
is "$((a+b))" 16 "ties: every delivery went to a pref-5 MX"
[ "$a" -gt 0 ] && [ "$b" -gt 0 ]; ok $? "ties: both equal MXes used ($a/$b)"

out=$(remote nomx.test a@b.test u@nomx.test < "$T_DIR/msg")
case $out in *"Knomx.test [127.0.0.5] accepted"*) ok 0 "no MX: A record used" ;; *) ok 1 "no MX: A record used"; diag "$out" ;; esac

out=$(remote v6.test a@b.test u@v6.test < "$T_DIR/msg")
case $out in *"Kv6.test [::1] accepted"*) ok 0 "no MX: AAAA record used" ;; *) ok 1 "no MX: AAAA record used"; diag "$out" ;; esac

out=$(remote both.test a@b.test u@both.test < "$T_DIR/msg")
case $out in *"Kboth.test [127.0.0.5] accepted"*) ok 0 "IPv6 address refused, next address (IPv4) used" ;; *) ok 1 "next address"; diag "$out" ;; esac

out=$(remote dual.test a@b.test u@dual.test < "$T_DIR/msg")
case $out in *"Kdual.test [::1] accepted"*) ok 0 "IPv6 first by default" ;; *) ok 1 "IPv6 first by default"; diag "$out" ;; esac
ctl preferipv4 1
out=$(remote dual.test a@b.test u@dual.test < "$T_DIR/msg")
case $out in *"Kdual.test [127.0.0.5] accepted"*) ok 0 "preferipv4: IPv4 first" ;; *) ok 1 "preferipv4: IPv4 first"; diag "$out" ;; esac
rm "$BERTH_HOME/control/preferipv4"

out=$(remote null.test a@b.test u@null.test < "$T_DIR/msg")
case $out in D*"null MX"*"#5.1.10"*) ok 0 "null MX: permanent 5.1.10" ;; *) ok 1 "null MX: permanent 5.1.10"; diag "$out" ;; esac

out=$(remote nx.test a@b.test u@nx.test < "$T_DIR/msg")
case $out in "DSorry, I couldn't find any host named nx.test. (#5.1.2)") ok 0 "NXDOMAIN: permanent" ;; *) ok 1 "NXDOMAIN: permanent"; diag "$out" ;; esac

out=$(remote alias.test a@b.test u@alias.test < "$T_DIR/msg")
case $out in *"Kmx2.order.test [127.0.0.2] accepted"*) ok 0 "CNAME followed to the MX" ;; *) ok 1 "CNAME followed to the MX"; diag "$out" ;; esac

out=$(remote self.test a@b.test u@self.test < "$T_DIR/msg")
case $out in *"Kmx2.order.test [127.0.0.2] accepted"*) ok 0 "we are an MX: only better MXes tried" ;; *) ok 1 "we are an MX: only better MXes tried"; diag "$out" ;; esac
out=$(remote onlyself.test a@b.test u@onlyself.test < "$T_DIR/msg")
case $out in D*"best-preference MX"*"#5.4.6"*) ok 0 "we are the best MX: permanent 5.4.6" ;; *) ok 1 "we are the best MX"; diag "$out" ;; esac

# an IPv6 nameserver
out=$(BERTH_DNSSERVER="[::1]:$D" remote nomx.test a@b.test u@nomx.test < "$T_DIR/msg")
case $out in *"Knomx.test [127.0.0.5] accepted"*) ok 0 "nameserver on [::1]" ;; *) ok 1 "nameserver on [::1]"; diag "$out" ;; esac

# a nameserver that never answers: a bound UDP socket nobody reads
Q=$(free_port)
t_bg /usr/bin/python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",int(sys.argv[1]))); time.sleep(60)' "$Q"
sleep 0.5
ctl timeoutdns 1
start=$(date +%s)
out=$(BERTH_DNSSERVER=127.0.0.1:$Q remote order.test a@b.test u@order.test < "$T_DIR/msg")
end=$(date +%s)
case $out in Z*"temporarily"*"#4.4.3"*) ok 0 "DNS timeout: temporary" ;; *) ok 1 "DNS timeout: temporary"; diag "$out" ;; esac
[ $((end - start)) -le 8 ]; ok $? "DNS timeout bounded by timeoutdns ($((end - start)) s)"

# control/dnsserver instead of the environment, IPv6 nameserver syntax accepted
ctl dnsserver "127.0.0.1:$D"
out=$(env -u BERTH_DNSSERVER sh -c '. "$BERTH_TOP/tests/lib.sh"; as_user berth-remote nomx.test a@b.test u@nomx.test' < "$T_DIR/msg" | tr '\0' '\n')
case $out in *"Knomx.test [127.0.0.5] accepted"*) ok 0 "control/dnsserver used" ;; *) ok 1 "control/dnsserver used"; diag "$out" ;; esac
t_done
