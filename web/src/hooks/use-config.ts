/** @module The server's UI defaults (`GET /config/ui`), read once: the UI takes every default from it. */
import { useQuery } from '@tanstack/react-query';
import { getConfig, type UiConfig } from '../api-client.ts';

/** @returns the config, or undefined while it loads */
export function useConfig(): UiConfig | undefined {
  return useQuery({ queryKey: ['config'], queryFn: getConfig, staleTime: Infinity }).data;
}
