\version "2.24.1"
\header { title = "Vårnatt" subtitle = "för röst och piano" composer = "Wilhelm Stenhammar" opus = "Op. 26 nr. 4" }
\score { << \new Staff \with { instrumentName = "Röst" } { \time 4/4 c''4 d'' e'' f'' } \addlyrics { Vår -- natt } \new PianoStaff \with { instrumentName = "Piano" } << \new Staff { c'4 e' g' c'' } \new Staff { \clef bass c4 e g c' } >> >> }
