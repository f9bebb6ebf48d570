\version "2.24.0"
% Ends on the dominant (a half close): no call.
\header { tagline = ##f }
\score {
  \new PianoStaff <<
    \new Staff { \key c \major \time 4/4 <e' g' c''>2 <f' a' c''>2 | <d' g' b'>1 \bar "|." }
    \new Staff { \clef bass \key c \major c2 f,2 | g,1 \bar "|." }
  >>
}
