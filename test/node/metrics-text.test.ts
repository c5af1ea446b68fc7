// The strict exposition parser the metrics tests read scrapes with
// (test/helpers/prometheus-text.ts): it must refuse what Prometheus would.
import { test } from 'tap';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';

const GOOD = [
  '# HELP a_total Things, with a \\\\ and a \\n.',
  '# TYPE a_total counter',
  'a_total{k="x\\"y",j="1"} 3',
  'a_total{k="z"} 4 1712345678000',
  '# TYPE h histogram',
  'h_bucket{le="0.5"} 1',
  'h_bucket{le="+Inf"} 2',
  'h_sum 0.75',
  'h_count 2',
  '# TYPE g gauge',
  'g Nan',
  '',
].join('\n');

test('prometheus-text: a well-formed exposition parses, escapes and all', async (t) => {
  const families = parsePrometheusText(GOOD);
  t.equal(sampleValue(families, 'a_total', { k: 'x"y' }), 3);
  t.equal(sampleValue(families, 'h_count'), 2);
  t.ok(Number.isNaN(sampleValue(families, 'g')), 'NaN in any case, as Go reads it');
  t.equal(families.get('a_total')?.help, 'Things, with a \\\\ and a \\n.');
});

test('prometheus-text: every malformed line is refused', async (t) => {
  const bad: Record<string, string> = {
    'no trailing newline': '# TYPE g gauge\ng 1',
    'a sample before its TYPE': 'g 1\n# TYPE g gauge\n',
    'TYPE twice': '# TYPE g gauge\n# TYPE g gauge\ng 1\n',
    'an unknown TYPE': '# TYPE g thing\ng 1\n',
    'a bad value': '# TYPE g gauge\ng one\n',
    'no value': '# TYPE g gauge\ng\n',
    'two spaces': '# TYPE g gauge\ng  1\n',
    'a bad metric name': '# TYPE 1g gauge\n1g 1\n',
    'a bad label name': '# TYPE g gauge\ng{1k="a"} 1\n',
    'an unquoted label value': '# TYPE g gauge\ng{k=a} 1\n',
    'an unterminated label value': '# TYPE g gauge\ng{k="a} 1\n',
    'a bad escape': '# TYPE g gauge\ng{k="a\\t"} 1\n',
    'a label twice': '# TYPE g gauge\ng{k="a",k="b"} 1\n',
    'the same series twice': '# TYPE g gauge\ng{k="a"} 1\ng{k="a"} 2\n',
    'a sample outside its family': '# TYPE g gauge\ng_total 1\n',
    'a bad timestamp': '# TYPE g gauge\ng 1 soon\n',
    'buckets not cumulative': '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n',
    'no +Inf bucket': '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n',
    '_count not the +Inf bucket': '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_count 1\n',
  };
  for (const [why, text] of Object.entries(bad)) t.throws(() => parsePrometheusText(text), why);
});
