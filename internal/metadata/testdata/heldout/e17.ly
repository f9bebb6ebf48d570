\version "2.24.1"
\header { title = "Air" subtitle = "from Suite No. 3" composer = "Johann Sebastian Bach" opus = "BWV 1068" arranger = "arranged for organ by W. T. Best" }
\score { \new PianoStaff << \new Staff { \time 3/4 \tempo "Lento" c''4\p d''4 e''4 | f''2. } \new Staff { \clef bass c4 e g | c2. } >> }
