/**
 * Solomon / Gehring & Homberger VRPTW instances (one text format for both) and their
 * translation into a fieldplan Problem in the DIMACS 2021 convention.
 *
 * The convention truncates every arc to one decimal. To keep all arithmetic exact the
 * Problem is expressed in integer tenths: arc = floor(10 · euclid), and ready, due and
 * service times are multiplied by 10. A route's distance in the file's unit is its
 * travel distance / UNITS_PER_DISTANCE.
 */
import { readFileSync } from 'node:fs';
import type { Problem } from '../../solver/problem.ts';

export const UNITS_PER_DISTANCE = 10;

export interface VrptwNode {
  /** Customer number as in the file; 0 is the depot. */
  id: number;
  x: number;
  y: number;
  demand: number;
  ready: number;
  due: number;
  service: number;
}

export interface VrptwInstance {
  name: string;
  vehicles: number;
  capacity: number;
  /** nodes[0] is the depot. */
  nodes: VrptwNode[];
}

export class InstanceFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'InstanceFormatError';
  }
}

export function parseVrptw(text: string, file = 'instance'): VrptwInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const name = lines.find((l) => l.length > 0);
  if (!name) throw new InstanceFormatError(file, 'the file is empty');
  const vehicleHeader = lines.findIndex((l) => /^NUMBER\s+CAPACITY$/i.test(l));
  const fleet = vehicleHeader >= 0 ? lines[vehicleHeader + 1]?.split(/\s+/).map(Number) : undefined;
  const [vehicles, capacity] = fleet ?? [];
  if (
    vehicles === undefined ||
    capacity === undefined ||
    !Number.isFinite(vehicles) ||
    !Number.isFinite(capacity)
  ) {
    throw new InstanceFormatError(
      file,
      'expected a VEHICLE block with "NUMBER CAPACITY" and one row of two integers',
    );
  }
  const customerHeader = lines.findIndex((l) => /^CUST\s+NO\./i.test(l));
  if (customerHeader < 0) throw new InstanceFormatError(file, 'expected a "CUST NO." header row');
  const nodes: VrptwNode[] = [];
  for (let i = customerHeader + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.length === 0) continue;
    const values = line.split(/\s+/).map(Number);
    if (values.length !== 7 || values.some((v) => !Number.isFinite(v))) {
      throw new InstanceFormatError(
        file,
        `line ${i + 1}: expected 7 numbers (no, x, y, demand, ready, due, service)`,
      );
    }
    const [id, x, y, demand, ready, due, service] = values as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    nodes.push({ id, x, y, demand, ready, due, service });
  }
  if (nodes.length < 2 || nodes[0]?.id !== 0) {
    throw new InstanceFormatError(file, 'expected the depot (customer 0) followed by at least one customer');
  }
  return { name, vehicles, capacity, nodes };
}

export function readVrptw(path: string): VrptwInstance {
  return parseVrptw(readFileSync(path, 'utf8'), path);
}

/** DIMACS arc: Euclidean distance truncated to one decimal, in tenths. */
export function dimacsArc(a: VrptwNode, b: VrptwNode): number {
  return Math.floor(UNITS_PER_DISTANCE * Math.hypot(a.x - b.x, a.y - b.y));
}

/**
 * The instance as a Problem: one job per customer (id = its customer number, location =
 * its row), `vehicles` technicians at the depot with the depot's window as shift, and
 * travel minimised by distance.
 */
export function vrptwToProblem(instance: VrptwInstance): Problem {
  const { nodes } = instance;
  const depot = nodes[0] as VrptwNode;
  const matrix = nodes.map((a) => nodes.map((b) => dimacsArc(a, b)));
  const u = UNITS_PER_DISTANCE;
  return {
    matrices: { durations: matrix, distances: matrix },
    jobs: nodes.slice(1).map((node, i) => ({
      id: String(node.id),
      location: i + 1,
      duration: node.service * u,
      windows: [{ start: node.ready * u, end: node.due * u }],
      load: [node.demand],
    })),
    technicians: Array.from({ length: instance.vehicles }, (_, k) => ({
      id: `vehicle-${k + 1}`,
      start: 0,
      end: 0,
      shift: { start: depot.ready * u, end: depot.due * u },
      capacity: [instance.capacity],
    })),
    objective: { travel: 'distance' },
  };
}
