# The classic FTP server guide: a server at 192.168.30.203 that drops whatever it was not told to
# accept, answers FTP on port 21 and SSH from its own LAN, and logs what it drops.
iptables -P INPUT DROP
iptables -P FORWARD DROP
iptables -P OUTPUT ACCEPT
iptables -A INPUT -i lo -j ACCEPT
iptables -A INPUT -m state --state ESTABLISHED,RELATED -j ACCEPT
iptables -A INPUT -p tcp --dport 21 -m state --state NEW -j ACCEPT
iptables -A INPUT -p tcp -s 192.168.30.0/24 --dport 22 -j ACCEPT
iptables -A INPUT -p icmp --icmp-type echo-request -m limit --limit 1/second --limit-burst 2 -j ACCEPT
iptables -A INPUT -j LOG --log-prefix "INPUT DROP: "
