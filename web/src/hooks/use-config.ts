/** @module The server's effective config, read once: the UI takes every default from it. */
import { useQuery } from '@tanstack/react-query';
import { getConfig, type Config } from '../api-client.ts';

/** @returns the config, or undefined while it loads */
export function useConfig(): Config | undefined {
  return useQuery({ queryKey: ['config'], queryFn: getConfig, staleTime: Infinity }).data;
}
