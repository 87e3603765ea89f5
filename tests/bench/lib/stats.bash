# shellcheck shell=bash
# Benchmark bookkeeping: record samples, print min/median/max tables.
#
#   bench_results_init FILE          start a results file (TSV)
#   bench_record IMPL MEASURE UNIT VALUE...   append samples
#   bench_table FILE                 print the table of a results file
#   bench_ratio_table FILE BASE_IMPL_MEASURE...  (see below)
#
# The TSV has one line per sample: impl, measurement, unit, value.

bench_results_init() {
	BENCH_RESULTS=$1
	mkdir -p "$(dirname "$BENCH_RESULTS")"
	printf 'impl\tmeasurement\tunit\tvalue\n' > "$BENCH_RESULTS"
}

bench_record() {
	local impl=$1 what=$2 unit=$3 v
	shift 3
	for v in "$@"; do
		printf '%s\t%s\t%s\t%s\n' "$impl" "$what" "$unit" "$v" >> "$BENCH_RESULTS"
	done
}

# bench_summary FILE: impl, measurement, unit, n, min, median, max (TSV)
bench_summary() {
	awk -F'\t' 'NR > 1 {
		k = $1 "\t" $2 "\t" $3
		if (!(k in n)) order[++nk] = k
		v[k, ++n[k]] = $4 + 0
	}
	END {
		for (i = 1; i <= nk; i++) {
			k = order[i]; m = n[k]
			for (a = 1; a <= m; a++) s[a] = v[k, a]
			for (a = 2; a <= m; a++) { x = s[a]; b = a - 1
				while (b > 0 && s[b] > x) { s[b + 1] = s[b]; b-- }
				s[b + 1] = x }
			med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
			printf "%s\t%d\t%g\t%g\t%g\n", k, m, s[1], med, s[m]
		}
	}' "$1"
}

# bench_table FILE: a Markdown table of min/median/max per measurement
bench_table() {
	echo "| implementation | measurement | n | min | median | max | unit |"
	echo "| --- | --- | ---: | ---: | ---: | ---: | --- |"
	bench_summary "$1" | awk -F'\t' '
		function f(x) { return x >= 1e4 || x <= -1e4 ? sprintf("%.0f", x) : sprintf("%.4g", x) }
		{ printf "| %s | %s | %d | %s | %s | %s | %s |\n", $1, $2, $4, f($5), f($6), f($7), $3 }'
}

# bench_median FILE IMPL MEASUREMENT: the median, or nothing
bench_median() {
	bench_summary "$1" | awk -F'\t' -v i="$2" -v m="$3" '$1 == i && $2 == m { print $6 }'
}

# bench_pair_ratios FILE: for each implementation measured beside the raw
# disk (measure_beside: its k-th sample of a measurement and the k-th
# sample of "raw ... beside IMPL" were taken back to back), the median of
# the per-pair ratios device / raw. TSV: impl, measurement, unit, pairs,
# median ratio.
bench_pair_ratios() {
	awk -F'\t' '
		function med(k, m,   a, b, x, s) {
			for (a = 1; a <= m; a++) s[a] = r[k, a]
			for (a = 2; a <= m; a++) { x = s[a]; b = a - 1
				while (b > 0 && s[b] > x) { s[b + 1] = s[b]; b-- }
				s[b + 1] = x }
			return (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2 }
		NR > 1 && $1 == "raw disk" && $2 ~ / beside [^ ]+$/ {
			impl = $2; sub(/.* beside /, "", impl)
			kind = $2; sub(/, .*/, "", kind)
			raw[impl "\t" kind, ++nraw[impl "\t" kind]] = $4 + 0; next }
		NR > 1 && $1 != "raw disk" {
			kind = $2; sub(/, .*/, "", kind)
			k = $1 "\t" kind; i = ++ndev[k]
			dev[k, i] = $4 + 0; name[k] = $2; unit[k] = $3
			if (!(k in seen)) { seen[k] = 1; order[++nk] = k } }
		END {
			for (j = 1; j <= nk; j++) { k = order[j]; m = 0
				for (i = 1; i <= ndev[k] && i <= nraw[k]; i++)
					if (raw[k, i] > 0) r[k, ++m] = dev[k, i] / raw[k, i]
				if (m) { split(k, a, "\t")
					printf "%s\t%s\t%s\t%d\t%g\n", a[1], name[k], unit[k], m, med(k, m) } } }' "$1"
}
