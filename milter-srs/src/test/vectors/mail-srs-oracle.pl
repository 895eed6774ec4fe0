#!/usr/bin/perl
# Answers SRS requests with Mail::SRS (Debian libmail-srs-perl), one per line, for the vector generator and the
# interop test. Run it under faketime to freeze its clock.
#
# Request:  op <TAB> secrets <TAB> separator <TAB> hash-length <TAB> hash-minimum <TAB> address
# Response: ok <TAB> address   |   error <TAB> message
# op is "forward" (into the SRS domain given as the single argument, default example.com) or "reverse". Addresses
# and secrets are percent-encoded (see encode below); secrets are comma-separated, the first one signs.
use strict;
use warnings;
use Mail::SRS;

my $srs_domain = shift // 'example.com';
$| = 1;
# Mail::SRS warns on case-smashed hashes and on undefined fields of malformed input; the answer says enough.
$SIG{__WARN__} = sub { };

sub decode { my ($text) = @_; $text =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/ge; return $text; }
sub encode { my ($octets) = @_; $octets =~ s/([^\x21-\x7E]|[%,])/sprintf('%%%02X', ord($1))/ge; return $octets; }

# Mail::SRS's die messages end with " at FILE line N." and the reverse ones start with "Parse error in `...': ".
sub reason {
    my ($error) = @_;
    $error =~ s/\s+at \S+ line \d+(?:, <\w+> line \d+)?\.?\s*$//s;
    $error =~ s/^Parse error in `.*?': //s;
    $error =~ s/[\t\r\n]+/ /g;
    return $error;
}

while (my $line = <STDIN>) {
    chomp $line;
    my ($op, $secrets, $separator, $hash_length, $hash_minimum, $address) = split /\t/, $line, -1;
    my $srs = Mail::SRS->new(
        Secret        => [ map { decode($_) } split /,/, $secrets ],
        Separator     => $separator,
        HashLength    => $hash_length,
        HashMin       => $hash_minimum,
        AlwaysRewrite => 1,
    );
    my $input = decode($address);
    my $result = eval { $op eq 'forward' ? $srs->forward($input, $srs_domain) : $srs->reverse($input) };
    print defined $result ? "ok\t" . encode($result) . "\n" : "error\t" . reason($@) . "\n";
}
