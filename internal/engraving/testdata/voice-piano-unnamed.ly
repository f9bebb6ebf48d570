\version "2.24.0"
% A song without instrument names: only the words say the top staff is sung. F major.
\header { title = "Lied" tagline = ##f }
\score {
  <<
    \new Staff {
      \key f \major \time 4/4
      r4 c''4 a' f' | g'2 c''2 | d''4 c'' bes' a' | g'1 |
    }
    \addlyrics { Kom -- men die Stun -- den der A -- bend -- zeit }
    \new PianoStaff <<
      \new Staff { \key f \major <f' a' c''>1 | <e' g' c''>1 | <f' bes' d''>1 | <e' g' c''>1 | }
      \new Staff { \clef bass \key f \major f,1 | c1 | bes,1 | c1 | }
    >>
  >>
}
