\version "2.24.1"
\header { dedication = "à Mademoiselle Marie Dubois" title = "Valse mélancolique" subtitle = "en fa mineur" composer = "BENJAMIN GODARD" opus = "Op. 26, N° 2" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Modéré" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
