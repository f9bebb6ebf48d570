package main

import "testing"

// The generated music must sit in the key the ground truth names: its signature and its
// scale.
func TestKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ key, signature, lily string }{
		{"C major", "no sharps or flats", `\key c \major`},
		{"E-flat major", "3 flats", `\key es \major`},
		{"F-sharp minor", "3 sharps", `\key fis \minor`},
		{"D-sharp minor", "6 sharps", `\key dis \minor`},
		{"G-flat major", "6 flats", `\key ges \major`},
		{"A-flat major", "4 flats", `\key as \major`},
		{"B minor", "2 sharps", `\key b \minor`},
		{"F minor", "4 flats", `\key f \minor`},
	} {
		k, err := parseKey(c.key)
		if err != nil {
			t.Fatal(err)
		}
		if got := keySignature(c.key); got != c.signature {
			t.Errorf("%s: signature %q, want %q", c.key, got, c.signature)
		}
		if got := k.lilyKey(); got != c.lily {
			t.Errorf("%s: %q, want %q", c.key, got, c.lily)
		}
		if k.String() != c.key {
			t.Errorf("%s reads back as %s", c.key, k)
		}
	}
	// E-flat major's scale: E♭ F G A♭ B♭ C D; its dominant's third in C minor is B natural.
	k, _ := parseKey("E-flat major")
	var scale []string
	for d := range 7 {
		scale = append(scale, k.note(d, 4, false))
	}
	if got := joinNotes(scale); got != "es' f' g' as' bes' c'' d''" {
		t.Errorf("E-flat major scale: %s", got)
	}
	cm, _ := parseKey("C minor")
	if got := cm.note(6, 4, true); got != "b'" {
		t.Errorf("C minor leading note: %s, want b'", got)
	}
}

func joinNotes(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
