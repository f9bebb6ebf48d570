\version "2.24.1"
\header { title = "Wiegenlied" poet = "Text: Matthias Claudius" composer = "W. A. Mozart" opus = "KV 350" }
\score { << \new Staff \with { instrumentName = "Singstimme" } { \time 4/4 c''4 d'' e'' f'' } \addlyrics { Schla -- fe mein } \new PianoStaff \with { instrumentName = "Klavier" } << \new Staff { c'4 e' g' c'' } \new Staff { \clef bass c4 e g c' } >> >> }
