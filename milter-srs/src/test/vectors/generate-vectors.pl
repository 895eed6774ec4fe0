#!/usr/bin/perl
# Generates the SRS reference vectors from the two Debian reference implementations, each under faketime:
#   - Mail::SRS 0.31 (libmail-srs-perl), through mail-srs-oracle.pl next to this script;
#   - PostSRSd 1.10 (/usr/sbin/postsrsd), a tcp_table daemon started on free loopback ports.
#
# Usage: generate-vectors.pl [OUTPUT]   (default: ../resources/srs-vectors/reference-vectors.tsv)
# Needs: perl, faketime, libmail-srs-perl, postsrsd. Prints the cases where the two references disagree to stderr.
use strict;
use warnings;
use FindBin;
use File::Temp qw(tempdir);
use IO::Socket::INET;
use IPC::Open2;
use POSIX qw(strftime);
use Time::Local qw(timegm);

my $SRS_DOMAIN = 'example.com';
my $POSTSRSD = '/usr/sbin/postsrsd';
my $ORACLE = "$FindBin::Bin/mail-srs-oracle.pl";
my $output = shift // "$FindBin::Bin/../resources/srs-vectors/reference-vectors.tsv";
my $DAY = 86400;
$ENV{TZ} = 'UTC';

# ---------------------------------------------------------------------------------------------------------------
# Octet strings are written percent-encoded: every byte outside 0x21-0x7E, and % and , themselves.

sub encode { my ($octets) = @_; $octets =~ s/([^\x21-\x7E]|[%,])/sprintf('%%%02X', ord($1))/ge; return $octets; }
sub decode { my ($text) = @_; $text =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; return $text; }

sub config {
    my (%options) = @_;
    return { secrets => ['tops3cr3t'], separator => '=', length => 4, minimum => 4, %options };
}

sub config_key {
    my ($config) = @_;
    return join "\t", join(',', map { encode($_) } @{ $config->{secrets} }), @$config{qw(separator length minimum)};
}

# Clocks are epoch seconds here, "YYYY-MM-DDTHH:MM:SSZ" in the vectors.
sub clock_at { my ($iso) = @_; my @f = $iso =~ /^(\d+)-(\d+)-(\d+)T(\d+):(\d+):(\d+)Z$/ or die "bad clock $iso";
    return timegm($f[5], $f[4], $f[3], $f[2], $f[1] - 1, $f[0]); }
sub iso { strftime('%Y-%m-%dT%H:%M:%SZ', gmtime($_[0])) }
sub faketime_spec { strftime('%Y-%m-%d %H:%M:%S', gmtime($_[0])) }

# ---------------------------------------------------------------------------------------------------------------
# The references, started on demand per (configuration, clock) and kept until the end.

my $workdir = tempdir(CLEANUP => 1);
my (%postsrsd, %oracle, @postsrsd_groups, @oracle_pids);

sub free_port {
    my $socket = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Listen => 1) or die "bind: $!";
    my $port = $socket->sockport;
    close $socket;
    return $port;
}

sub connect_when_up {
    my ($port) = @_;
    for (1 .. 100) {
        my $socket = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port);
        return $socket if $socket;
        select(undef, undef, undef, 0.05);
    }
    die "postsrsd did not start listening on 127.0.0.1:$port\n";
}

sub postsrsd {
    my ($config, $clock) = @_;
    my $key = config_key($config) . "\t$clock";
    return $postsrsd{$key} //= do {
        my $secret_file = "$workdir/secrets-" . scalar(keys %postsrsd);
        open my $fh, '>:raw', $secret_file or die "$secret_file: $!";
        print $fh map { "$_\n" } @{ $config->{secrets} };
        close $fh;
        my ($forward_port, $reverse_port) = (free_port(), free_port());
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            # faketime runs postsrsd as its child, and postsrsd forks per connection: give them a process group.
            POSIX::setpgid(0, 0);
            open STDOUT, '>', '/dev/null';
            exec 'faketime', '-f', faketime_spec($clock), $POSTSRSD, "-s$secret_file", "-d$SRS_DOMAIN",
                '-l127.0.0.1', "-f$forward_port", "-r$reverse_port", "-a$config->{separator}",
                "-n$config->{length}", "-N$config->{minimum}", '-A' or die "exec faketime postsrsd: $!";
        }
        push @postsrsd_groups, $pid;
        { forward => connect_when_up($forward_port), reverse => connect_when_up($reverse_port) };
    };
}

sub oracle {
    my ($clock) = @_;
    return $oracle{$clock} //= do {
        my ($out, $in);
        my $pid = open2($out, $in, 'faketime', '-f', faketime_spec($clock), 'perl', $ORACLE, $SRS_DOMAIN);
        push @oracle_pids, $pid;
        { out => $out, in => $in };
    };
}

# Returns ('ok', address) or ('error', message); addresses are octet strings.
sub ask_postsrsd {
    my ($config, $clock, $op, $input) = @_;
    my $socket = postsrsd($config, $clock)->{$op};
    # PostSRSd's tcp_table protocol: "get KEY\n", KEY and the answer URL-encoded, answers "200 VALUE" or "500 WHY".
    print $socket 'get ' . encode($input) . "\n";
    my $answer = <$socket> // die "postsrsd closed the connection";
    $answer =~ s/\r?\n$//;
    my ($code, $value) = $answer =~ /^(\d{3}) (.*)$/ or die "unexpected postsrsd answer: $answer";
    return $code eq '200' ? ('ok', decode($value)) : ('error', $value);
}

sub ask_mail_srs {
    my ($config, $clock, $op, $input) = @_;
    my $oracle = oracle($clock);
    print { $oracle->{in} } join("\t", $op, config_key($config), encode($input)), "\n";
    $oracle->{in}->flush;
    my $answer = readline($oracle->{out}) // die "mail-srs-oracle.pl died";
    chomp $answer;
    my ($result, $value) = split /\t/, $answer, 2;
    return $result eq 'ok' ? ('ok', decode($value)) : ('error', $value);
}

my %ASK = ('postsrsd-1.10' => \&ask_postsrsd, 'mail-srs-0.31' => \&ask_mail_srs);
my @BOTH = sort keys %ASK;

# ---------------------------------------------------------------------------------------------------------------
# Recording. Each case asks the listed implementations (default: both) and records one line per answer.

my (@vectors, %seen, %answers);

sub record {
    my ($config, $clock, $op, $input, @implementations) = @_;
    @implementations = @BOTH unless @implementations;
    my @first;
    for my $implementation (@implementations) {
        my ($result, $value) = $ASK{$implementation}->($config, $clock, $op, $input);
        @first = ($result, $value) unless @first;
        my $line = join "\t", $implementation, $op, config_key($config), iso($clock), encode($input), $result,
            $result eq 'ok' ? encode($value) : $value;
        next if $seen{$line}++;
        push @vectors, $line;
        push @{ $answers{ join "\t", $op, config_key($config), iso($clock), encode($input) } },
            "$implementation: $result " . ($result eq 'ok' ? encode($value) : $value);
    }
    return @first;
}

# Records the forward by both, and returns PostSRSd's address (dies if PostSRSd refused).
sub forwarded {
    my ($config, $clock, $input) = @_;
    record($config, $clock, 'forward', $input, 'mail-srs-0.31');
    my ($result, $address) = record($config, $clock, 'forward', $input, 'postsrsd-1.10');
    die "postsrsd refused to forward $input: $address" unless $result eq 'ok';
    return $address;
}

sub hash_of { my ($address) = @_; $address =~ /^SRS[01].([^=]*)=/i or die "no hash in $address"; return $1; }

sub with_hash {
    my ($address, $hash) = @_;
    $address =~ s/^(SRS[01].)[^=]*=/$1$hash=/i;
    return $address;
}

# A different character in the same position, also under case-insensitive comparison.
sub other_char { my ($c) = @_; return lc($c) eq 'a' ? 'B' : 'A'; }

# ---------------------------------------------------------------------------------------------------------------
# The cases.

my $default = config();
my @configs = (
    $default,
    config(separator => '+'),
    config(separator => '-'),
    config(length => 6, minimum => 4),
    config(length => 8, minimum => 8),
    config(secrets => [ 'n3wer-s3cret', 'tops3cr3t' ]),
);

my @senders = (
    'test@otherdomain.com',
    'User.Name+Tag@Sub.Example.ORG',
    'a=b=c@x.org',
    "o'brien-smith\@example.net",
    '!#$%&*/?^`{|}~@x.org',
    "t\xE9st\@x.com",
    "\xC3\xA9L\xC3\xA8VE\@\xC3\xA9cole.example",
    ('y' x 45) . '@x.org',    # SRS0 local part of exactly 64 octets
    ('y' x 46) . '@x.org',    # 65 octets: the references write it anyway
    ('z' x 60) . '@otherdomain.com',
    # Already SRS: forwarded again as SRS1 (signed by someone else, so PostSRSd does not call it "already rewritten").
    'SRS0=opaque+string@otherdomain.com',
    'srs0+AbCd=XY=orig.net=joe@fwd1.example',
    'SRS0-HHHH=TT=h.example=u=v@fwd.example',
    'SRS1=abcd=host.com==x=y@foo.com',
    'srs1-Zz9+=orig.example=+hash=TT=h=u@hop2.example',
    'noat',
);

my @clocks = map { clock_at($_) } (
    '2020-01-01T00:01:00Z',    # docs/srs-format.md's vectors, stamp 2W
    '2020-06-18T23:59:59Z',    # day 18431, stamp 77: the last day of a 1024-day cycle
    '2020-06-19T12:00:00Z',    # day 18432, stamp AA: the first day of the next cycle
    '2001-09-09T01:46:40Z',
    '2024-02-29T12:00:00Z',
    '2037-12-31T23:59:59Z',
);

for my $config (@configs) {
    record($config, $clocks[0], 'forward', $_) for @senders;
}
for my $clock (@clocks[1 .. $#clocks]) {
    record($default, $clock, 'forward', $_) for @senders[0, 5, 10, 13];
}
# Mail::SRS re-signs a malformed SRS1 sender into garbage; PostSRSd refuses it, and so do we.
record($default, $clocks[0], 'forward', 'SRS1=abcd@foo.com', 'postsrsd-1.10');

# Ages around the 21-day limit, also across the 1024-day wrap (stamp 77 and older, read on day AA and later).
for my $now (@clocks[0, 2, 4]) {
    for my $config ($default, config(separator => '-')) {
        for my $days_old (0, 1, 21, 22, -1) {
            for my $sender ('test@otherdomain.com', "t\xE9st\@x.com") {
                record($config, $now, 'reverse', forwarded($config, $now - $days_old * $DAY, $sender));
            }
        }
    }
}
# Day boundaries: written in the last second of a day, read at the first second 21 and 22 days later.
{
    my $written = clock_at('2020-01-01T23:59:59Z');
    my $address = forwarded($default, $written, 'test@otherdomain.com');
    record($default, $written + 1 + 20 * $DAY, 'reverse', $address);
    record($default, $written + 1 + 21 * $DAY, 'reverse', $address);
}

# Variations of a fresh address, per configuration.
for my $config (@configs) {
    my $now = $clocks[0];
    for my $sender ('test@otherdomain.com', 'User.Name+Tag@Sub.Example.ORG', "t\xE9st\@x.com") {
        my $srs0 = forwarded($config, $now, $sender);
        my $hash = hash_of($srs0);
        my @variants = ($srs0, lc $srs0, uc $srs0);
        push @variants, map { my $v = $srs0; substr($v, 4, 1) = $_; $v } qw(= + -);
        push @variants, with_hash($srs0, substr($hash, 0, length($hash) - 1));                 # too short
        push @variants, with_hash($srs0, substr($hash, 0, 4)) if length $hash > 4;             # at the minimum
        push @variants, with_hash($srs0, $hash . 'X');                                          # longer
        push @variants, with_hash($srs0, other_char(substr($hash, 0, 1)) . substr($hash, 1));   # altered
        (my $other_user = $srs0) =~ s/=([^=]*)\@/=$1x\@/;
        push @variants, $other_user;
        (my $other_stamp = $srs0) =~ s/^(SRS0.[^=]*=)../${1}1!/;
        push @variants, $other_stamp;
        (my $other_domain = $srs0) =~ s/\@.*$/\@elsewhere.example/;
        push @variants, $other_domain;
        record($config, $now, 'reverse', $_) for @variants;

        my $srs1 = forwarded($config, $now, 'SRS0=opaque+string@otherdomain.com');
        my $srs1_hash = hash_of($srs1);
        record($config, $now, 'reverse', $_) for ($srs1, lc $srs1, uc $srs1,
            with_hash($srs1, other_char(substr($srs1_hash, 0, 1)) . substr($srs1_hash, 1)));
    }
}

# SRS1 of an SRS1 reverses to the first forwarder's SRS0 address; key rotation; addresses that are not SRS.
{
    my $now = $clocks[0];
    my $rotated = config(secrets => [ 'n3wer-s3cret', 'tops3cr3t' ]);
    my $srs1 = forwarded($default, $now, 'srs1-Zz9+=orig.example=+hash=TT=h=u@hop2.example');
    record($default, $now, 'reverse', $srs1);
    record($rotated, $now, 'reverse', $_) for (forwarded($default, $now, 'test@otherdomain.com'), $srs1);
    record(config(secrets => ['unrelated']), $now, 'reverse', forwarded($default, $now, 'test@otherdomain.com'));
    record($default, $now, 'reverse', $_) for (
        'srs0=xjo9=2v=otherdomain.com=test@example.com',    # docs/srs-format.md's vectors
        'SRS0=vmy=2W=otherdomain.com=test@example.com',
        'SRS0=te87=T7=otherdomain.com=test@example.com',
        'SRS1=chaI=otherdomain.com==opaque+string@example.com',
        'user@example.com',
        'SRS2=abcd=2W=otherdomain.com=test@example.com',
        'SRS0=abcd@example.com',
        'SRS0=abcd=2W@example.com',
        'SRS0=abcd=2W=otherdomain.com@example.com',
        'SRS1=abcd@example.com',
    );
}

# ---------------------------------------------------------------------------------------------------------------

close $_->{in} for values %oracle;
kill 'TERM', map { -$_ } @postsrsd_groups;
waitpid($_, 0) for @oracle_pids, @postsrsd_groups;

open my $out, '>:raw', $output or die "$output: $!";
print $out <<'HEADER';
# SRS reference vectors, generated by milter-srs/src/test/vectors/generate-vectors.pl: do not edit by hand.
# Each line is one answer of one reference implementation, running under faketime at the given clock.
# SRS domain: example.com. Forward always rewrites (PostSRSd -A, Mail::SRS AlwaysRewrite).
# Octet strings (secrets, input, output) are percent-encoded: bytes outside 0x21-0x7E, '%' and ','.
# Secrets are comma-separated, the first one signs. An error value is the reference's own message.
#
# implementation	op	secrets	separator	hash_length	hash_minimum	clock	input	result	value
HEADER
print $out "$_\n" for @vectors;
close $out;

my $disagreements = 0;
for my $key (sort keys %answers) {
    my @said = @{ $answers{$key} };
    next if @said < 2;
    my %distinct = map { my ($verdict) = /^[^:]+: (ok \S+|error)/; ($verdict => 1) } @said;
    next if keys %distinct < 2;
    $disagreements++;
    print STDERR "references disagree on $key\n", map { "    $_\n" } @said;
}
printf STDERR "%d vectors written to %s; the references disagree on %d inputs\n", scalar @vectors, $output,
    $disagreements;
