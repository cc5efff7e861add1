/** @module The app frame: header with the page links, and the client routes. */
import { Anchor, AppShell, Group, Text } from '@mantine/core';
import { Link, Route, Switch } from 'wouter';
import { CastPage } from './pages/cast/cast-page.tsx';
import { EpisodeDetailPage } from './pages/episode-detail/episode-detail-page.tsx';
import { EpisodesPage } from './pages/episodes/episodes-page.tsx';
import { FacesReviewPage } from './pages/faces-review/faces-review-page.tsx';
import { ScreenTimePage } from './pages/screen-time/screen-time-page.tsx';
import { SeasonPage } from './pages/season/season-page.tsx';
import { ShowsPage } from './pages/shows/shows-page.tsx';
import { paths } from './routes.ts';

/** The whole UI. */
export function App() {
  return (
    <AppShell header={{ height: 40 }} padding="md">
      <AppShell.Header px="md">
        <Group h="100%" gap="lg">
          <Text fw={700} size="md">
            Screenalytics
          </Text>
          <Anchor component={Link} href={paths.episodes} size="sm">
            Episodes
          </Anchor>
          <Anchor component={Link} href={paths.shows} size="sm">
            Shows
          </Anchor>
          <Anchor href="/docs" size="sm" c="dimmed">
            API
          </Anchor>
        </Group>
      </AppShell.Header>
      <AppShell.Main>
        <Switch>
          <Route path="/ui/episodes/:epId/faces">{(p) => <FacesReviewPage epId={p.epId} />}</Route>
          <Route path="/ui/episodes/:epId/screen-time">
            {(p) => <ScreenTimePage epId={p.epId} />}
          </Route>
          <Route path="/ui/episodes/:epId">{(p) => <EpisodeDetailPage epId={p.epId} />}</Route>
          <Route path="/ui/shows/:show/cast">{(p) => <CastPage show={p.show} />}</Route>
          <Route path="/ui/shows/:show/seasons/:season">
            {(p) => <SeasonPage show={p.show} season={Number(p.season)} />}
          </Route>
          <Route path="/ui/shows">
            <ShowsPage />
          </Route>
          <Route>
            <EpisodesPage />
          </Route>
        </Switch>
      </AppShell.Main>
    </AppShell>
  );
}
