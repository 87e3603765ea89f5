#!/usr/bin/env bats
# duetadm without a kernel module: the configuration parser's messages,
# the normalised dump, and with --dry-run the exact generic netlink
# requests of every verb, compared with golden files.
#
#   bats tests/dconf/                      run
#   DUET_UPDATE_GOLDEN=1 bats tests/dconf/ rewrite tests/dconf/golden/
#
# A golden test passes when stdout equals golden/NAME.out, stderr equals
# golden/NAME.err (or is empty when there is none) and the exit status is
# the expected one. Commands run in the source directory with relative
# paths, so file names in messages are the same everywhere.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	export SRC="${DUET_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	export BUILD="${DUET_BUILDDIR:-$SRC}"
	export DUETADM="$BUILD/daemon/duetadm"
	export GOLDEN="$SRC/tests/dconf/golden"
	export C="tests/dconf/conf"
	unset DUET_CONF
	# golden files show the default /etc/duet.conf; a build with another
	# --sysconfdir prints its own
	DEFAULT_CONF=$("$DUETADM" --help | sed -n 's/.*(default \(.*\))$/\1/p')
	export DEFAULT_CONF
}

setup() {
	[ -x "$DUETADM" ] || fail "$DUETADM is not built (make daemon/duetadm)"
	cd "$SRC"
}

# golden NAME [STATUS] -- ARGS...: duetadm ARGS against golden/NAME.{out,err}
golden() {
	local name=$1 want=0 rc=0
	shift
	if [ "$1" != "--" ]; then want=$1; shift; fi
	shift
	"$DUETADM" "$@" >"$BATS_TEST_TMPDIR/raw" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	sed "s|(default $DEFAULT_CONF)|(default /etc/duet.conf)|" "$BATS_TEST_TMPDIR/raw" >"$BATS_TEST_TMPDIR/out"
	if [ -n "${DUET_UPDATE_GOLDEN:-}" ]; then
		cp "$BATS_TEST_TMPDIR/out" "$GOLDEN/$name.out"
		if [ -s "$BATS_TEST_TMPDIR/err" ]; then
			cp "$BATS_TEST_TMPDIR/err" "$GOLDEN/$name.err"
		else
			rm -f "$GOLDEN/$name.err"
		fi
	fi
	[ "$rc" -eq "$want" ] ||
		fail "duetadm $* exited $rc, expected $want; stderr: $(cat "$BATS_TEST_TMPDIR/err")"
	[ -f "$GOLDEN/$name.out" ] || fail "no golden file $GOLDEN/$name.out (DUET_UPDATE_GOLDEN=1)"
	diff -u "$GOLDEN/$name.out" "$BATS_TEST_TMPDIR/out" >&2 ||
		fail "stdout of duetadm $* differs from golden/$name.out"
	if [ -f "$GOLDEN/$name.err" ]; then
		diff -u "$GOLDEN/$name.err" "$BATS_TEST_TMPDIR/err" >&2 ||
			fail "stderr of duetadm $* differs from golden/$name.err"
	elif [ -s "$BATS_TEST_TMPDIR/err" ]; then
		fail "unexpected stderr: $(cat "$BATS_TEST_TMPDIR/err")"
	fi
}

# ---- configuration and dump ----------------------------------------------

@test "the paper's figure 3 parses as is and dumps normalised" {
	golden dump-paper -- -c $C/paper.conf --hostname sslab1 dump
}

@test "the sample ha.d/duet.conf is valid on alice and on bob" {
	golden dump-sample -- -c ha.d/duet.conf --hostname alice dump
	golden dump-sample -- -c ha.d/duet.conf --hostname bob dump
}

@test "dump --verbose shows every default and where each value came from" {
	golden dump-sample-verbose -- -c ha.d/duet.conf --hostname alice dump --verbose
}

@test "includes with globs, relative to the including file" {
	golden dump-include -- -c $C/include.conf --hostname bob dump
	golden dump-include-r1 -- -c $C/include.conf --hostname bob dump r1
}

@test "dump of several resources, volumes, IPv6, options from common" {
	golden dump-multi -- -c $C/multi.conf --hostname alice dump
}

@test "dump is a fixed point: dump, parse the dump, dump again" {
	for f in paper.conf multi.conf include.conf; do
		host=alice
		[ $f = paper.conf ] && host=sslab1
		run -0 "$DUETADM" -c $C/$f --hostname $host dump
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/d1.conf"
		run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/d1.conf" --hostname $host dump
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/d2.conf"
		diff -u <(tail -n +2 "$BATS_TEST_TMPDIR/d1.conf") <(tail -n +2 "$BATS_TEST_TMPDIR/d2.conf")
		run -0 "$DUETADM" -c $C/$f --hostname $host dump --verbose
		printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v1.conf"
		run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/v1.conf" --hostname $host dump
	done
}

@test "config errors: file:line: message, nearest keyword, exit 3" {
	golden errors-parse 3 -- -c $C/errors.conf --hostname alice dump
	golden errors-syntax 3 -- -c $C/syntax.conf --hostname alice dump
}

@test "validation errors: three hosts, duplicate minor/disk/address, exit 3" {
	golden errors-invalid 3 -- -c $C/invalid.conf --hostname alice dump
}

@test "an include loop is an error" {
	golden errors-loop 3 -- -c $C/loop.conf --hostname alice dump
}

@test "a resource without an 'on' section for this host is an error" {
	golden errors-not-this-host 3 -- -c $C/paper.conf --hostname carol role r0
}

@test "unknown resource, missing file: exit 3" {
	golden errors-no-resource 3 -- -c ha.d/duet.conf --hostname alice -d up r9
	golden errors-no-file 3 -- -c $C/nonexistent.conf --hostname alice dump
}

# ---- the netlink requests of each verb (--dry-run) ------------------------

@test "up on alice and on bob: new resource, minor, attach, connect" {
	golden up-alice -- -c ha.d/duet.conf --hostname alice -d up r0
	golden up-bob -- -c ha.d/duet.conf --hostname bob --dry-run up r0
}

@test "up all: volumes, IPv6, resync-after as a minor, the secret hidden" {
	golden up-multi-all -- -c $C/multi.conf --hostname alice -d up all
	run -0 "$DUETADM" -c $C/multi.conf --hostname alice -d up all
	refute_output --partial "not-for-your-eyes"
}

@test "down, attach, detach --force, connect, disconnect" {
	golden down -- -c ha.d/duet.conf --hostname alice -d down r0
	golden attach -- -c $C/multi.conf --hostname alice -d attach data
	golden detach-force -- -c $C/multi.conf --hostname alice -d detach --force data
	golden connect-discard -- -c ha.d/duet.conf --hostname bob -d connect r0 --discard-my-data
	golden disconnect -- -c ha.d/duet.conf --hostname bob -d disconnect r0
}

@test "primary --force and secondary" {
	golden primary-force -- -c ha.d/duet.conf --hostname alice -d primary --force r0
	golden secondary -- -c ha.d/duet.conf --hostname alice -d secondary r0
	golden primary-two -- -c $C/multi.conf --hostname bob -d primary data logs
}

@test "invalidate, invalidate-remote, outdate, pause-sync, resume-sync: one request per volume" {
	golden invalidate -- -c $C/multi.conf --hostname alice -d invalidate data
	golden invalidate-remote -- -c ha.d/duet.conf --hostname alice -d invalidate-remote r0
	golden outdate -- -c $C/multi.conf --hostname bob -d outdate data logs
	golden pause-sync -- -c ha.d/duet.conf --hostname bob -d pause-sync r0
	golden resume-sync -- -c ha.d/duet.conf --hostname bob -d resume-sync r0
}

@test "new-current-uuid, with --clear-bitmap to skip the initial sync" {
	golden new-current-uuid -- -c ha.d/duet.conf --hostname alice -d new-current-uuid r0
	golden new-current-uuid-clear -- -c $C/multi.conf --hostname alice -d new-current-uuid --clear-bitmap data
	golden help-new-current-uuid -- help new-current-uuid
	run -2 "$DUETADM" -c ha.d/duet.conf --hostname alice -d invalidate --clear-bitmap r0
	assert_output "duetadm: invalidate does not take --clear-bitmap (duetadm help invalidate)"
}

@test "net-options sends the file's net section, peer-dead the resource" {
	golden net-options -- -c $C/multi.conf --hostname alice -d net-options logs
	golden peer-dead -- -c ha.d/duet.conf --hostname bob -d peer-dead r0
	golden help-peer-dead -- peer-dead --help
}

@test "role, cstate, dstate, status, events ask for GET_STATUS" {
	golden role -- -c ha.d/duet.conf --hostname alice -d role r0
	golden cstate -- -c ha.d/duet.conf --hostname alice -d cstate r0
	golden dstate -- -c ha.d/duet.conf --hostname alice -d dstate r0
	golden status-all -- -c $C/multi.conf --hostname alice -d status
	golden status-json -- -c $C/multi.conf --hostname alice -d status --json logs
	golden events -- -c $C/multi.conf --hostname alice -d events
}

@test "floating sections: this host is the one with the local address" {
	golden connect-floating -- -c $C/floating.conf --hostname nobody -d connect f
}

@test "adjust reads the running configuration first" {
	golden adjust -- -c ha.d/duet.conf --hostname alice -d adjust r0
}

# ---- command line ------------------------------------------------------------

@test "--help, help VERB, VERB --help, --version" {
	golden help -- --help
	golden help-primary -- help primary
	golden help-primary -- primary --help
	run -0 "$DUETADM" --version
	assert_output --regexp '^duetadm [0-9.]+ \(generic netlink family "duet" version 1\)$'
}

@test "usage errors exit 2" {
	run -2 "$DUETADM"
	assert_output --partial "usage: duetadm"
	run -2 "$DUETADM" frobnicate r0
	assert_output "duetadm: unknown verb 'frobnicate' (duetadm --help)"
	run -2 "$DUETADM" -c ha.d/duet.conf --bogus up r0
	assert_output "duetadm: unknown option '--bogus' (duetadm --help)"
	run -2 "$DUETADM" -c ha.d/duet.conf --hostname alice up
	assert_output "duetadm: up needs a resource name or \"all\" (duetadm help up)"
	run -2 "$DUETADM" -c ha.d/duet.conf --hostname alice secondary --force r0
	assert_output "duetadm: secondary does not take --force (duetadm help secondary)"
	run -2 "$DUETADM" -c ha.d/duet.conf --hostname alice -d up all r0
	assert_output "duetadm: \"all\" cannot be combined with resource names"
}

@test "without the kernel module: 'duet kernel module not loaded', exit 10" {
	[ ! -d /sys/module/duet ] || skip "the duet module is loaded here"
	run -10 "$DUETADM" -c ha.d/duet.conf --hostname alice up r0
	assert_output "duetadm: duet kernel module not loaded (modprobe duet)"
	run -10 "$DUETADM" -c ha.d/duet.conf --hostname alice status
	assert_output "duetadm: duet kernel module not loaded (modprobe duet)"
}

# ---- create-md and dump-md on files ---------------------------------------

# md_conf META_SPEC: a config for alice with the backing disk and meta
# device as files in the test's directory.
md_conf() {
	local d=$BATS_TEST_TMPDIR
	cat >"$d/md.conf" <<-EOF
	resource r0 {
		on alice { device /dev/drbd0; disk $d/vda; meta-disk $1; address 10.77.0.1:7788; }
		on bob { device /dev/drbd0; disk /dev/vda; meta-disk /dev/vdb[0]; address 10.77.0.2:7788; }
	}
	EOF
}

@test "create-md refuses a meta-data slot that is too small and says what is needed" {
	truncate -s 1G "$BATS_TEST_TMPDIR/vda"
	truncate -s 16M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb[0]"
	run -1 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice create-md r0
	assert_output --partial "meta-data device too small: meta-disk index 0 needs at least 128 MiB (262144 sectors), the device has 16 MiB (32768 sectors)"
	# the paper's /dev/hda[5]: slot 5 needs 768 MiB
	truncate -s 700M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb[5]"
	run -1 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "meta-disk index 5 needs at least 768 MiB (1572864 sectors), the device has 700 MiB (1433600 sectors)"
}

@test "create-md --dry-run checks a good slot and writes nothing" {
	truncate -s 1G "$BATS_TEST_TMPDIR/vda"
	truncate -s 256M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb [1]"
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "r0 volume 0 (minor 0): meta-data on $BATS_TEST_TMPDIR/vdb, slot [1]: 128 MiB at offset 128 MiB of 256 MiB; replicated size 1 GiB"
	assert_output --partial "dry run: nothing written"
	cmp -n "$(stat -c %s "$BATS_TEST_TMPDIR/vdb")" "$BATS_TEST_TMPDIR/vdb" /dev/zero
}

@test "create-md refuses to overwrite a file system, swap or DRBD meta-data without --force" {
	truncate -s 1G "$BATS_TEST_TMPDIR/vda"
	truncate -s 128M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb[0]"
	# an ext4 superblock magic (0xEF53 at byte 1080)
	printf '\123\357' | dd of="$BATS_TEST_TMPDIR/vdb" bs=1 seek=1080 conv=notrunc status=none
	run -4 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "refusing: $BATS_TEST_TMPDIR/vdb holds an ext2 file system"
	assert_output --partial "use --force to overwrite"
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d --force create-md r0
	assert_output --partial "overwriting (--force)"
	# swap
	truncate -s 0 "$BATS_TEST_TMPDIR/vdb"
	truncate -s 128M "$BATS_TEST_TMPDIR/vdb"
	printf 'SWAPSPACE2' | dd of="$BATS_TEST_TMPDIR/vdb" bs=1 seek=4086 conv=notrunc status=none
	run -4 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "holds swap space"
	# DRBD 8 meta-data in the slot (magic 0x8374026b at byte 60)
	truncate -s 0 "$BATS_TEST_TMPDIR/vdb"
	truncate -s 256M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb[1]"
	printf '\203\164\002\153' | dd of="$BATS_TEST_TMPDIR/vdb" bs=1 seek=$((128 * 1024 * 1024 + 60)) conv=notrunc status=none
	run -4 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "has DRBD 8 meta-data there"
}

@test "create-md with internal meta-data keeps a file system that ends before it" {
	command -v mkfs.ext4 >/dev/null || skip "no mkfs.ext4"
	truncate -s 64M "$BATS_TEST_TMPDIR/vda"
	mkfs.ext4 -q -F "$BATS_TEST_TMPDIR/vda" 60M
	md_conf internal
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "an ext4 file system on $BATS_TEST_TMPDIR/vda (60 MiB) ends before the meta-data area; it is kept"
	mkfs.ext4 -q -F "$BATS_TEST_TMPDIR/vda"
	run -4 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "reaches into the meta-data area at the end of the disk"
}

@test "create-md writes duet meta-data, dump-md reads it, a second create-md refuses" {
	truncate -s 1G "$BATS_TEST_TMPDIR/vda"
	truncate -s 256M "$BATS_TEST_TMPDIR/vdb"
	md_conf "$BATS_TEST_TMPDIR/vdb[1]"
	run -1 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice dump-md r0
	assert_output --partial "no meta data found (the block is all zero): run create-md"
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice create-md r0
	assert_output --partial "r0 volume 0: new duet meta-data written"
	# the superblock is at 128 MiB, slot 0 is untouched
	[ "$(dd if="$BATS_TEST_TMPDIR/vdb" bs=1 skip=$((128 * 1024 * 1024)) count=8 status=none)" = DUETMETA ]
	cmp -n $((128 * 1024 * 1024)) "$BATS_TEST_TMPDIR/vdb" /dev/zero
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice dump-md r0
	assert_line "flags 0x001;	# clean"
	assert_line "la-size-sect 2097152;"
	assert_line "md-size-sect 262144; md-offset-sect 262144; md-index 1; minor 0;"
	assert_output --partial "bits 262144; set 0; }"
	run -4 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice create-md r0
	assert_output --partial "has duet meta-data there already"
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice --force create-md r0
}

@test "create-md with internal meta-data: at the end of the disk" {
	truncate -s 64M "$BATS_TEST_TMPDIR/vda"
	md_conf internal
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice create-md r0
	assert_output --partial "meta-data on $BATS_TEST_TMPDIR/vda (internal): 328 KiB at offset 65208 KiB of 64 MiB; replicated size 65208 KiB"
	[ "$(dd if="$BATS_TEST_TMPDIR/vda" bs=4096 skip=16383 count=1 status=none | head -c 8)" = DUETMETA ]
	run -0 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice dump-md r0
	assert_line "md-size-sect 656; md-offset-sect 131064; md-index -1; minor 0;"
}

@test "create-md: a missing device is an I/O error, exit 1" {
	md_conf "$BATS_TEST_TMPDIR/nope[0]"
	truncate -s 1G "$BATS_TEST_TMPDIR/vda"
	run -1 "$DUETADM" -c "$BATS_TEST_TMPDIR/md.conf" --hostname alice -d create-md r0
	assert_output --partial "cannot open $BATS_TEST_TMPDIR/nope: No such file or directory"
}

# ---- handlers ---------------------------------------------------------------

@test "local-io-error runs the configured handler with DRBD's environment and exits with its status" {
	golden local-io-error -- -c $C/handler.conf --hostname alice -d local-io-error r0
	export HANDLER_OUT="$BATS_TEST_TMPDIR/handler.out"
	run -5 "$DUETADM" -c $C/handler.conf --hostname alice local-io-error r0
	run cat "$HANDLER_OUT"
	assert_output 'r0 minor 0 r0'
	# the minor the kernel names wins over the configuration's list
	run -5 env DRBD_MINOR=7 DUET_MINOR=7 "$DUETADM" -c $C/handler.conf --hostname alice local-io-error r0
	run cat "$HANDLER_OUT"
	assert_output 'r0 minor 7 r0'
	# no handler: nothing runs, exit 0, said on stderr
	rm -f "$HANDLER_OUT"
	run -0 --separate-stderr "$DUETADM" -c $C/handler.conf --hostname alice local-io-error r1
	assert_equal "$stderr" 'duetadm: r1: no local-io-error handler configured'
	[ ! -e "$HANDLER_OUT" ] || fail "a handler ran for r1"
}

@test "up and attach make the device link, down removes it (dry run)" {
	run -0 "$DUETADM" -c $C/handler.conf --hostname alice -d attach r0
	assert_output --partial '# r0: create link /dev/drbd0 -> /dev/duet0'
	run -0 "$DUETADM" -c $C/handler.conf --hostname alice -d down r0
	assert_output --partial '# r0: remove link /dev/drbd0 -> /dev/duet0'
	# "device minor 1" has no path of its own: no link
	run -0 "$DUETADM" -c $C/handler.conf --hostname alice -d up r1
	refute_output --partial 'link'
}
