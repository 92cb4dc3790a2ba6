package rpcfake

import "testing"

func TestSameJSON(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{`{"a":1,"b":[2,3]}`, `{ "b": [2, 3], "a": 1 }`, true},
		{`18446744073709551615`, `18446744073709551615`, true},
		// float64 would call these equal; digits must not.
		{`18446744073709551615`, `18446744073709551616`, false},
		{`[1,2]`, `[2,1]`, false},
		{`1.50`, `1.5`, false},
		{`{`, `{`, false},
	}
	for _, c := range cases {
		if got := SameJSON([]byte(c.a), []byte(c.b)); got != c.want {
			t.Errorf("SameJSON(%s, %s) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
